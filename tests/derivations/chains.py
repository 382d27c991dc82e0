r"""Correct derivation chains from ML, each with one planted mistake.

Every chain is a list of sides joined by `=`; `planted` replaces one side with a wrong one, which
makes the step before it and the step after it (when there is one) false. The test builds a
Markdown document of the definitions and the chain, runs the identity stage on it, and expects the
correct chain verified and the planted one refuted on exactly those steps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chain:
    name: str
    sides: tuple[str, ...]
    planted: tuple[int, str]  # (0-based side index, the wrong TeX for it)
    definitions: tuple[str, ...] = ()
    condition: str = ""  # appended to the chain, e.g. r"\quad\text{where } x > 0"
    aligned: bool = False  # written as an aligned derivation, one side per row

    def tex(self, sides: tuple[str, ...] | None = None) -> str:
        sides = sides or self.sides
        if self.aligned:
            rows = [f"{sides[0]} &= {sides[1]}"] + [f"&= {s}" for s in sides[2:]]
            return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}" + self.condition
        return " = ".join(sides) + self.condition

    def planted_tex(self) -> str:
        index, wrong = self.planted
        sides = list(self.sides)
        sides[index] = wrong
        return self.tex(tuple(sides))

    def planted_steps(self) -> set[str]:
        """The steps the planted side makes false, named as the report names them."""
        index = self.planted[0]
        steps = set()
        if index > 0:
            steps.add(f"{index} → {index + 1}")
        if index < len(self.sides) - 1:
            steps.add(f"{index + 1} → {index + 2}")
        return steps

    def document(self, planted: bool) -> str:
        parts = [f"# {self.name}", ""]
        for k, definition in enumerate(self.definitions):
            parts += ["$$", definition, f"$$ (eq:def-{k})", ""]
        parts += ["$$", self.planted_tex() if planted else self.tex(), "$$ (eq:chain)", ""]
        return "\n".join(parts)


SIGMOID = r"\sigma(x) = \frac{1}{1 + e^{-x}}"
MODEL = r"\hat{y}^{(i)} = w\,x^{(i)} + b"
MSE = r"J(w, b) = \frac{1}{n}\sum_{i=1}^{n}\left(y^{(i)} - \hat{y}^{(i)}\right)^2"

CHAINS: tuple[Chain, ...] = (
    Chain(
        "log-sum-exp shift",
        (r"\log\sum_{j=1}^{n} e^{z_j}",
         r"\log\left(e^{m}\sum_{j=1}^{n} e^{z_j - m}\right)",
         r"m + \log\sum_{j=1}^{n} e^{z_j - m}"),
        (2, r"m - \log\sum_{j=1}^{n} e^{z_j - m}"),
    ),
    Chain(
        "softmax is invariant to a shift",
        (r"\frac{e^{z_i + c}}{\sum_{j=1}^{n} e^{z_j + c}}",
         r"\frac{e^{c}\,e^{z_i}}{e^{c}\sum_{j=1}^{n} e^{z_j}}",
         r"\frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}"),
        (2, r"\frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j + c}}"),
    ),
    Chain(
        "sigmoid derivative",
        (r"\frac{d}{dx}\sigma(x)",
         r"\frac{e^{-x}}{\left(1 + e^{-x}\right)^2}",
         r"\frac{1}{1 + e^{-x}}\cdot\frac{e^{-x}}{1 + e^{-x}}",
         r"\sigma(x)\left(1 - \sigma(x)\right)"),
        (3, r"\sigma(x)\left(1 + \sigma(x)\right)"),
        definitions=(SIGMOID,),
    ),
    Chain(
        "tanh derivative",
        (r"\frac{d}{dx}\tanh(x)",
         r"\frac{4}{\left(e^{x} + e^{-x}\right)^2}",
         r"1 - \tanh(x)^2"),
        (2, r"1 + \tanh(x)^2"),
    ),
    Chain(
        "tanh through the sigmoid",
        (r"\tanh(x)",
         r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
         r"\frac{1 - e^{-2x}}{1 + e^{-2x}}",
         r"2\sigma(2x) - 1"),
        (1, r"\frac{e^{x} - e^{-x}}{e^{x} - e^{-x}}"),
        definitions=(SIGMOID,),
    ),
    Chain(
        "sigmoid symmetry",
        (r"\sigma(-x)", r"\frac{1}{1 + e^{x}}", r"\frac{e^{-x}}{e^{-x} + 1}", r"1 - \sigma(x)"),
        (3, r"\sigma(x)"),
        definitions=(SIGMOID,),
    ),
    Chain(
        "softplus derivative",
        (r"\frac{d}{dx}\log\left(1 + e^{x}\right)", r"\frac{e^{x}}{1 + e^{x}}", r"\sigma(x)"),
        (2, r"\sigma(-x)"),
        definitions=(SIGMOID,),
    ),
    Chain(
        "MSE gradient with respect to w",
        (r"\frac{\partial J}{\partial w}",
         r"\frac{1}{n}\sum_{i=1}^{n} 2\left(y^{(i)} - \hat{y}^{(i)}\right)\left(-x^{(i)}\right)",
         r"-\frac{2}{n}\sum_{i=1}^{n} x^{(i)}\left(y^{(i)} - \hat{y}^{(i)}\right)"),
        (2, r"-\frac{1}{n}\sum_{i=1}^{n} x^{(i)}\left(y^{(i)} - \hat{y}^{(i)}\right)"),
        definitions=(MODEL, MSE),
        aligned=True,
    ),
    Chain(
        "MSE gradient with respect to b",
        (r"\frac{\partial J}{\partial b}",
         r"\frac{1}{n}\sum_{i=1}^{n} (-2)\left(y^{(i)} - \hat{y}^{(i)}\right)",
         r"-\frac{2}{n}\sum_{i=1}^{n}\left(y^{(i)} - \hat{y}^{(i)}\right)"),
        (1, r"\frac{1}{n}\sum_{i=1}^{n} (-2)\,x^{(i)}\left(y^{(i)} - \hat{y}^{(i)}\right)"),
        definitions=(MODEL, MSE),
    ),
    Chain(
        "binary cross-entropy gradient with respect to the logit",
        (r"\frac{d}{dz}\ell(z)",
         r"-y\left(1 - \sigma(z)\right) + (1 - y)\,\sigma(z)",
         r"\sigma(z) - y"),
        (2, r"\sigma(z) + y"),
        definitions=(r"\sigma(z) = \frac{1}{1 + e^{-z}}",
                     r"\ell(z) = -y\log\sigma(z) - (1 - y)\log\left(1 - \sigma(z)\right)"),
    ),
    Chain(
        "softmax cross-entropy of one example",
        (r"-\log\frac{e^{z_y}}{\sum_{j=1}^{n} e^{z_j}}",
         r"-z_y + \log\sum_{j=1}^{n} e^{z_j}"),
        (1, r"z_y + \log\sum_{j=1}^{n} e^{z_j}"),
    ),
    Chain(
        "softmax derivative, diagonal term",
        (r"\frac{\partial}{\partial z_k}\frac{e^{z_k}}{\sum_{j=1}^{n} e^{z_j}}",
         r"\frac{e^{z_k}}{\sum_{j=1}^{n} e^{z_j}} - \left(\frac{e^{z_k}}{\sum_{j=1}^{n} e^{z_j}}\right)^2"),
        (1, r"\frac{e^{z_k}}{\sum_{j=1}^{n} e^{z_j}} + \left(\frac{e^{z_k}}{\sum_{j=1}^{n} e^{z_j}}\right)^2"),
    ),
    Chain(
        "variance: mean of squares minus square of the mean",
        (r"\frac{1}{n}\sum_{i=1}^{n}\left(x_i - \mu\right)^2",
         r"\frac{1}{n}\sum_{i=1}^{n} x_i^2 - 2\mu\,\frac{1}{n}\sum_{i=1}^{n} x_i + \mu^2",
         r"\frac{1}{n}\sum_{i=1}^{n} x_i^2 - \mu^2"),
        (2, r"\frac{1}{n}\sum_{i=1}^{n} x_i^2 + \mu^2"),
        definitions=(r"\mu = \frac{1}{n}\sum_{i=1}^{n} x_i",),
    ),
    Chain(
        "mean of an affine map",
        (r"\frac{1}{n}\sum_{i=1}^{n}\left(a x_i + b\right)",
         r"\frac{a}{n}\sum_{i=1}^{n} x_i + \frac{1}{n}\sum_{i=1}^{n} b",
         r"a\,\frac{1}{n}\sum_{i=1}^{n} x_i + b"),
        (2, r"a\,\frac{1}{n}\sum_{i=1}^{n} x_i + n b"),
    ),
    Chain(
        "KL divergence of two univariate Gaussians",
        (r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\sigma_2^2} - \frac{1}{2}",
         r"\log\sigma_2 - \log\sigma_1 + \frac{\sigma_1^2}{2\sigma_2^2} + \frac{(\mu_1 - \mu_2)^2}{2\sigma_2^2}"
         r" - \frac{1}{2}",
         r"\frac{1}{2}\left(\log\frac{\sigma_2^2}{\sigma_1^2} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{\sigma_2^2}"
         r" - 1\right)"),
        (2, r"\frac{1}{2}\left(\log\frac{\sigma_2^2}{\sigma_1^2} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}"
            r"{\sigma_2^2} + 1\right)"),
        aligned=True,
    ),
    Chain(
        "Gaussian log-likelihood of one observation",
        (r"\log\left(\frac{1}{\sqrt{2\pi\sigma^2}}\,e^{-\frac{(x - \mu)^2}{2\sigma^2}}\right)",
         r"-\frac{1}{2}\log\left(2\pi\sigma^2\right) - \frac{(x - \mu)^2}{2\sigma^2}",
         r"-\log\sigma - \frac{1}{2}\log(2\pi) - \frac{(x - \mu)^2}{2\sigma^2}"),
        (2, r"-2\log\sigma - \frac{1}{2}\log(2\pi) - \frac{(x - \mu)^2}{2\sigma^2}"),
    ),
    Chain(
        "Adam step with bias correction",
        (r"\alpha\frac{\hat{m}_t}{\sqrt{\hat{v}_t}}",
         r"\alpha\frac{m_t / \left(1 - \beta_1^t\right)}{\sqrt{v_t / \left(1 - \beta_2^t\right)}}",
         r"\alpha\frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}\cdot\frac{m_t}{\sqrt{v_t}}"),
        (2, r"\alpha\frac{1 - \beta_2^t}{1 - \beta_1^t}\cdot\frac{m_t}{\sqrt{v_t}}"),
        definitions=(r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}", r"\hat{v}_t = \frac{v_t}{1 - \beta_2^t}"),
        condition=r"\quad\text{where } 0 < \beta_1 < 1 \text{ and } 0 < \beta_2 < 1",
    ),
    Chain(
        "exponential moving average unrolled",
        (r"\beta\left(\beta m_0 + (1 - \beta) g_1\right) + (1 - \beta) g_2",
         r"\beta^2 m_0 + \beta(1 - \beta) g_1 + (1 - \beta) g_2"),
        (1, r"\beta^2 m_0 + (1 - \beta) g_1 + (1 - \beta) g_2"),
    ),
    Chain(
        "geometric sum behind Adam's bias correction",
        (r"(1 - \beta)\sum_{i=1}^{t}\beta^{t - i}",
         r"\sum_{i=1}^{t}\beta^{t - i} - \sum_{i=1}^{t}\beta^{t - i + 1}",
         r"1 - \beta^{t}"),
        (2, r"1 - \beta^{t + 1}"),
    ),
    Chain(
        "chain rule on concrete functions",
        (r"\frac{d}{dx}\sin\left(x^2\right)",
         r"\cos\left(x^2\right)\cdot\frac{d}{dx}x^2",
         r"2x\cos\left(x^2\right)"),
        (2, r"x\cos\left(x^2\right)"),
    ),
    Chain(
        "chain rule through defined functions",
        (r"\frac{d}{dx} f(g(x))", r"\frac{1}{g(x)}\cdot 2x", r"\frac{2x}{1 + x^2}"),
        (2, r"\frac{x}{1 + x^2}"),
        definitions=(r"f(u) = \log u", r"g(x) = 1 + x^2"),
    ),
    Chain(
        "ridge regression gradient of one example",
        (r"\frac{d}{dw}\left(\frac{1}{2}(y - w x)^2 + \frac{\lambda}{2} w^2\right)",
         r"-(y - w x)\,x + \lambda w",
         r"\left(x^2 + \lambda\right) w - x y"),
        (2, r"\left(x^2 + \lambda\right) w + x y"),
    ),
    Chain(
        "L2 penalty gradient, element k",
        (r"\frac{\partial}{\partial w_k}\frac{\lambda}{2}\sum_{j=1}^{d} w_j^2", r"\lambda w_k"),
        (1, r"\frac{\lambda}{2} w_k"),
    ),
    Chain(
        "gradient of a quadratic form in two variables",
        (r"\frac{\partial}{\partial x_1}\left(a x_1^2 + 2b\,x_1 x_2 + c x_2^2\right)",
         r"2a x_1 + 2b x_2",
         r"2\left(a x_1 + b x_2\right)"),
        (2, r"2\left(a x_1 + 2b x_2\right)"),
    ),
    Chain(
        "gradient of a quadratic form, element k",
        (r"\frac{\partial}{\partial x_k}\sum_{i=1}^{n}\sum_{j=1}^{n} x_i A_{ij} x_j",
         r"\sum_{j=1}^{n} A_{kj} x_j + \sum_{i=1}^{n} x_i A_{ik}"),
        (1, r"2\sum_{j=1}^{n} A_{kj} x_j"),
    ),
    Chain(
        "log-likelihood of a binomial, by theta",
        (r"\frac{d}{d\theta}\log\left(\theta^{k}(1 - \theta)^{n - k}\right)",
         r"\frac{k}{\theta} - \frac{n - k}{1 - \theta}",
         r"\frac{k - n\theta}{\theta(1 - \theta)}"),
        (2, r"\frac{k + n\theta}{\theta(1 - \theta)}"),
        condition=r"\quad\text{where } 0 < \theta < 1",
    ),
)
