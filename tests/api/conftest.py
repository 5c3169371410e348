def pytest_collection_modifyitems(items):
    """Schemathesis makes a test per API operation, named "test[GET /api/v1/roles/]", but pytest 9
    builds a test's id from its parameters, which these have none of: every one would have the
    test function's id, and xdist, which tells tests apart by id, would run only the first. Each
    gets its operation in its id, as under pytest 8."""
    for item in items:
        label = getattr(item, "operation_label", None)
        node_id = getattr(item, "_id", None)  # pytest 9's NodeId
        if label and node_id is not None and node_id.params is None:
            item._id = node_id.with_params(label)
