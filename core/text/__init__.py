"""The pieces of Chinese text analysis; import them through core.analysis."""
