"""Kibana saved objects for the report index, and their import into a Kibana.

    rsearch.kibana.objects   the objects (data view, saved searches, dashboard),
                             built from a small description and the facet registry
    rsearch.kibana.importer  POST them to a Kibana's saved-objects import API
"""
