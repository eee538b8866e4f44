"""``write_plots``: Optuna's standard plots of a study, as standalone HTML files (plotly, imported lazily).

Example:
>>> paths = tuner.write_plots("/tmp/plots")
>>> sorted(os.path.basename(p) for p in paths)
['optimization_history.html', 'parallel_coordinate.html', 'param_importances.html']
"""

import os


def write_plots(study, directory, target_name="objective"):
    """Writes the optimization history, parameter importances and parallel coordinates of ``study``.

    Returns the paths written. The importances need at least two finished trials with parameters;
    with fewer, that file says so instead of holding a plot.
    """
    from optuna import visualization
    from optuna.trial import TrialState

    os.makedirs(directory, exist_ok=True)
    complete = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)) if t.params]
    plots = {
        "optimization_history.html": lambda: visualization.plot_optimization_history(study, target_name=target_name),
        "param_importances.html": lambda: visualization.plot_param_importances(study, target_name=target_name),
        "parallel_coordinate.html": lambda: visualization.plot_parallel_coordinate(study, target_name=target_name),
    }
    paths = []
    for name, make in plots.items():
        path = os.path.join(directory, name)
        needs_params = name != "optimization_history.html"
        if needs_params and len(complete) < 2:
            with open(path, "w") as f:
                f.write("<html><body><p>Not enough completed trials with tuned parameters for this plot "
                        f"({len(complete)} found, 2 needed).</p></body></html>")
        else:
            make().write_html(path, include_plotlyjs="cdn")
        paths.append(path)
    return paths
