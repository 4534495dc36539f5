"""storylens: a sourced map of a developing political story from many outlets."""
__version__ = "0.1.0"
