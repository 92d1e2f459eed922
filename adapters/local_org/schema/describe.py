"""Describe results (global and per object) built from the catalogue for the current setting."""

from __future__ import annotations

from functools import cache
from typing import Any

from adapters.local_org.assumptions import EXTERNAL_ID_CASE_SENSITIVE
from adapters.local_org.schema import catalog
from adapters.local_org.schema.model import Child, Field, SObjectType, label

_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "junctionidlist": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}


def _object_summary(obj: SObjectType, version: str) -> dict[str, Any]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    writable = obj.createable
    return {
        "name": obj.name,
        "label": obj.label or obj.name,
        "labelPlural": obj.plural or f"{obj.label or obj.name}s",
        "keyPrefix": obj.prefix,
        "custom": obj.custom,
        "createable": writable,
        "updateable": obj.updateable,
        "deletable": obj.deletable,
        "queryable": True,
        "retrieveable": True,
        "searchable": obj.view_of is None,
        "layoutable": obj.view_of is None and not obj.name.endswith("Relation"),
        "replicateable": True,
        "triggerable": not obj.shared_only,
        "undeletable": obj.deletable and not obj.shared_only,
        "mergeable": obj.name in ("Account", "Contact", "Lead"),
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }


def _field(f: Field) -> dict[str, Any]:
    string_like = _SOAP_TYPES.get(f.type) is None
    return {
        "name": f.name,
        "label": label(f),
        "type": f.type,
        "soapType": _SOAP_TYPES.get(f.type, "xsd:string"),
        "length": f.length if string_like else 0,
        "byteLength": f.length * 3 if string_like else (18 if f.type in ("id", "reference") else 0),
        "createable": f.create,
        "updateable": f.update,
        "nillable": f.nillable,
        "filterable": f.filterable,
        "sortable": f.filterable and f.type not in ("textarea",),
        "groupable": f.filterable
        and f.type not in ("textarea", "double", "currency", "percent", "datetime"),
        "externalId": f.external_id,
        "unique": f.unique,
        "caseSensitive": EXTERNAL_ID_CASE_SENSITIVE if f.unique else False,
        "idLookup": f.type == "id" or f.external_id or f.name in ("Email", "Name", "Username"),
        "nameField": f.name == "Name",
        "calculated": f.calculated,
        "custom": f.custom,
        "defaultedOnCreate": f.default is not None
        or f.name in ("Id", "IsDeleted")
        or f.type == "boolean",
        "defaultValue": f.default if isinstance(f.default, bool) else None,
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship,
        "polymorphicForeignKey": len(f.reference_to) > 1,
        "restrictedPicklist": f.restricted,
        "picklistValues": [
            {
                "active": True,
                "defaultValue": v == f.default,
                "label": v,
                "value": v,
                "validFor": None,
            }
            for v in f.picklist
        ],
        "precision": 18 if f.type in ("double", "currency") else 0,
        "scale": 2 if f.type in ("double", "currency") else 0,
        "digits": 9 if f.type == "int" else 0,
        "autoNumber": False,
        "dependentPicklist": False,
        "deprecatedAndHidden": False,
    }


def _child(c: Child) -> dict[str, Any]:
    return {
        "childSObject": c.child_object,
        "field": c.field,
        "relationshipName": c.name,
        "cascadeDelete": c.cascade_delete,
        "restrictedDelete": False,
        "deprecatedAndHidden": False,
        "junctionIdListNames": [c.junction_list] if c.junction_list else [],
        "junctionReferenceTo": list(c.junction_reference_to),
    }


@cache
def describe_global(shared: bool, version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [_object_summary(o, version) for o in catalog.visible(shared)],
    }


@cache
def describe_object(name: str, shared: bool, version: str) -> dict[str, Any]:
    obj = catalog.all_objects()[name]
    children = [c for c in obj.children if catalog.find(c.child_object, shared) is not None]
    return _object_summary(obj, version) | {
        "fields": [_field(f) for f in obj.visible_fields(shared)],
        "childRelationships": [_child(c) for c in children if shared or not c.shared_only],
        "recordTypeInfos": [],
        "supportedScopes": [{"label": "All", "name": "everything"}],
        "activateable": False,
        "compactLayoutable": False,
        "feedEnabled": False,
    }
