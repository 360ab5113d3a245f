"""Parameter distributions: every scenario knob may be uncertain.

A `Dist` is plain data (kind plus its numbers) so it can be validated by the scenario reader,
written into a receipt, and sampled vectorised over a chunk of runs with one numpy Generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

KINDS = ("fixed", "uniform", "triangular", "normal", "lognormal")

#: required numeric fields per kind (optional `low`/`high` clip normal and lognormal draws)
REQUIRED: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mu", "sigma"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "fixed": (),
    "uniform": (),
    "triangular": (),
    "normal": ("low", "high"),
    "lognormal": ("low", "high"),
}


@dataclass(frozen=True)
class Dist:
    """One parameter's distribution; `params` holds the numbers named in REQUIRED/OPTIONAL."""

    kind: str
    params: tuple[tuple[str, float], ...]

    def get(self, name: str, default: float | None = None) -> float:
        for key, value in self.params:
            if key == name:
                return value
        if default is None:
            raise KeyError(name)
        return default

    def as_dict(self) -> dict[str, float | str]:
        out: dict[str, float | str] = {"dist": self.kind}
        out.update(dict(self.params))
        return out

    def central(self) -> float:
        """A representative value (mode, mean or median), used for the deterministic baseline."""
        if self.kind == "fixed":
            return self.get("value")
        if self.kind == "uniform":
            return 0.5 * (self.get("low") + self.get("high"))
        if self.kind == "triangular":
            return self.get("mode")
        if self.kind == "normal":
            return _clip(self.get("mean"), self)
        return _clip(float(np.exp(self.get("mu"))), self)

    def sample(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        """`n` independent draws (always consumes the generator, even when fixed, for stability)."""
        return self.ppf(rng.random(n))

    def ppf(self, u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Quantiles at probabilities `u` (inverse CDF; clipping bounds applied)."""
        if self.kind == "fixed":
            return np.full(u.shape, self.get("value"))
        if self.kind == "uniform":
            low, high = self.get("low"), self.get("high")
            return low + (high - low) * u
        if self.kind == "triangular":
            return _triangular_ppf(u, self.get("low"), self.get("mode"), self.get("high"))
        z = _normal_ppf(u)
        if self.kind == "normal":
            x = self.get("mean") + self.get("sd") * z
        else:
            x = np.exp(self.get("mu") + self.get("sigma") * z)
        lo = self.get("low", -np.inf)
        hi = self.get("high", np.inf)
        return np.clip(x, lo, hi)

    def quantile(self, p: float) -> float:
        return float(self.ppf(np.array([p]))[0])


def _clip(x: float, dist: Dist) -> float:
    return float(min(max(x, dist.get("low", -np.inf)), dist.get("high", np.inf)))


def _triangular_ppf(
    u: npt.NDArray[np.float64], low: float, mode: float, high: float
) -> npt.NDArray[np.float64]:
    if high == low:
        return np.full(u.shape, low)
    c = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < c, left, right)


def _normal_ppf(u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(ndtri(np.clip(u, 1e-12, 1.0 - 1e-12)), dtype=np.float64)


def fixed(value: float) -> Dist:
    return Dist("fixed", (("value", float(value)),))


def check(kind: str, params: dict[str, float]) -> list[str]:
    """Problems with a distribution spec, as readable messages (empty when valid)."""
    if kind not in KINDS:
        return [f"unknown distribution {kind!r} (use one of {', '.join(KINDS)})"]
    problems: list[str] = []
    allowed = set(REQUIRED[kind]) | set(OPTIONAL[kind])
    problems += [f"{kind} distribution needs {k!r}" for k in REQUIRED[kind] if k not in params]
    problems += [f"{kind} distribution has no field {k!r}" for k in params if k not in allowed]
    if problems:
        return problems
    if kind == "uniform" and not params["low"] <= params["high"]:
        problems.append("uniform needs low <= high")
    if kind == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        problems.append("triangular needs low <= mode <= high")
    if kind == "normal" and params["sd"] < 0:
        problems.append("normal needs sd >= 0")
    if kind == "lognormal" and params["sigma"] < 0:
        problems.append("lognormal needs sigma >= 0")
    return problems


def make(kind: str, params: dict[str, float]) -> Dist:
    """Build a validated Dist; raises ValueError with the first problem."""
    problems = check(kind, params)
    if problems:
        raise ValueError("; ".join(problems))
    order = REQUIRED[kind] + OPTIONAL[kind]
    return Dist(kind, tuple((k, float(params[k])) for k in order if k in params))
