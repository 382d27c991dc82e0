// Draws every <pre class="mermaid"> of the page; a file of its own so that the page needs no inline script.
mermaid.initialize({startOnLoad: true, securityLevel: "strict"});
