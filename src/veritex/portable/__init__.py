"""Math that travels: formulas rewritten for renderers that are not veritex's own (GitHub's and Jupyter's
MathJax), and the list of what those renderers do not support.

Writers (`gfm`, `ipynb`) and the portability stage share this package, so the warnings a build prints
say exactly what the writers did.
"""
