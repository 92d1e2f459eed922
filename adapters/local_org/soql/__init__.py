"""The local org's SOQL engine: parse a statement, evaluate it against any `RecordSource`.

It imports nothing from the rest of the local org; the storage meets it through `source`.

- engine: `execute_soql`, the entry point: plan a parsed query on a source and run it.
- source: the contract (`RecordSource`, `FieldInfo`, `ChildRelationship`) a storage implements.
- parse: SOQL text to a `Query` with the lark grammar in soql.lark.
- ast: the parsed shape of a statement (immutable, cacheable).
- literals: decoding string, LIKE, date, datetime and relative-date literals.
- schema: resolving object, field and relationship names against a source.
- filter: compiling WHERE into a row predicate and a storage pushdown hint.
- values: comparing values by field type.
- shape: shaping rows as the REST API returns them.
- errors: the engine's refusals, worded as Salesforce words them.
"""
