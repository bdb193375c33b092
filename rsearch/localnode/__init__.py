"""A local Elasticsearch node without Docker: the official test distribution
from Maven Central, run on the machine's Java as an unprivileged user."""

from .node import LocalNode, NodeStatus

__all__ = ["LocalNode", "NodeStatus"]
