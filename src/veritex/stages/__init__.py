"""Stages act on a `Document`: each module does one job and shares nothing but the model."""
