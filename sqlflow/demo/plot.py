"""A PNG of the feedback windows: observed rate and mean predicted score per model version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def plot_feedback(windows: list[dict], path: Path) -> Path:
    """Tumbling-window CTR / acceptance rate and mean predicted score per model version, one panel per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = pd.DataFrame([w for w in windows if w["window_kind"] == "tumble_1m"])
    models = sorted(frame["model"].unique()) if len(frame) else []
    fig, axes = plt.subplots(max(len(models), 1), 1, figsize=(10, 3.6 * max(len(models), 1)), squeeze=False)
    titles = {"ctr": "CTR model: click-through rate", "reply": "reply model: acceptance rate"}
    for ax, model in zip(axes[:, 0], models):
        part = frame[frame["model"] == model].copy()
        part["start"] = pd.to_datetime(part["window_start"])
        for k, (version, g) in enumerate(sorted(part.groupby("model_version"), key=lambda x: x[0])):
            g = g.sort_values("start")
            color = f"C{k}"
            ax.plot(g["start"], g["rate"], "-o", color=color, label=f"{version} observed")
            ax.plot(g["start"], g["mean_predicted"], "--", color=color, label=f"{version} mean predicted")
        ax.set_title(f"{titles.get(model, model)} per 1-minute window (calibration: dashed vs solid)")
        ax.set_ylabel("rate")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, ncol=2)
    axes[-1, 0].set_xlabel("window start (UTC)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
