"""Trained judgement beside the rules: is someone in danger now, is a job offer a trap, which sentence shows a flag.

`features` makes what the models see, `model` scores the shipped file without scikit-learn, `data` reads
content/training/, `train` (scikit-learn, the `[train]` extra) rebuilds the file.
"""
