# The rsearch command in a container. docker compose builds it for the one-shot
# `kibana-setup` service: index seeds/ into the compose Elasticsearch when the
# index is empty, then import the Kibana objects (scripts/compose-setup.sh).
# Python 3.11, as tested; every dependency has a manylinux wheel for it.
# tests/integration/test_install.py lays out exactly what the COPY lines copy, installs it
# the way the RUN line does and runs the CMD against a real node.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY core core
COPY indexer indexer
COPY search search
COPY rsearch rsearch
COPY mappings mappings
# A plain install, as a user's: the versions CI tests (constraints.txt), and
# the package data (mappings, dictionary) from the wheel, not the source tree.
RUN pip install -c constraints.txt .
COPY seeds seeds
COPY scripts/compose-setup.sh scripts/compose-setup.sh

CMD ["sh", "scripts/compose-setup.sh"]
