"""Every choice the local org makes where Salesforce's exact behaviour is UNCONFIRMED, in one place.

The facts behind the confirmed behaviour are in `shared/reference/salesforce-facts.md`.
Clients (the gateway) may import these names to recognise the local org's refusals; a real
org may word them differently, so match on codes, and treat messages as informative.
"""

from __future__ import annotations

# --- Shared activities (facts 1.6: no primary source for the codes) -------------------------
SHARED_LIMIT_CODE = "FIELD_INTEGRITY_EXCEPTION"
"""UNCONFIRMED: code for a Task/Event with > 50 contacts, > 1 lead, or contacts and a lead."""
TOO_MANY_CONTACTS = "A task or event can be related to one lead or up to 50 contacts."
LEAD_WITH_CONTACTS = "You can't relate an activity to a lead and to contacts at the same time."
TOO_MANY_LEADS = "A task or event can be related to only one lead."
TOO_MANY_WHATS = "A task or event can be related to only one account, opportunity or other object."
WHO_WRONG_TYPE = "id value of incorrect type"

LEAD_WITH_WHAT_CODE = "FIELD_INTEGRITY_EXCEPTION"
"""A Task/Event whose WhoId is a Lead and which has a WhatId is refused on create, update and
upsert (and per record in collections and composite), fields ["WhatId"] (["RelationId"] for a
TaskRelation create that would make the mix). The rule is Salesforce's ("If the WhoId refers to
a lead, then the WhatId field must be empty", Object Reference, Task/Event WhoId); the code and
the wording of the message are UNCONFIRMED (the local org's choice)."""
LEAD_WITH_WHAT = (
    "A task or event related to a lead can't be related to another record: WhatId must be empty."
)

UNKNOWN_FIELD_CODE = "INVALID_FIELD"
"""UNCONFIRMED: writing TaskWhoIds/WhoCount with shared activities off answers as for any unknown
field: 400 INVALID_FIELD "No such column 'TaskWhoIds' on sobject of type Task"."""

UNKNOWN_OBJECT_CODE = "NOT_FOUND"
"""UNCONFIRMED: /sobjects/TaskRelation with shared activities off is 404 NOT_FOUND (as for any
unknown object); in a collection the record fails with INVALID_TYPE; SOQL gives INVALID_TYPE."""

UNSUPPORTED_OPERATION_CODE = "INVALID_TYPE_FOR_OPERATION"
"""UNCONFIRMED: update/upsert of TaskRelation/EventRelation and any write to the read-only views
TaskWhoRelation/EventWhoRelation: 400 (or per record) with this code."""

DESCRIBE_JUNCTION_TYPE = "junctionidlist"
"""UNCONFIRMED for REST describe: TaskWhoIds/EventWhoIds are described with this type (not
filterable), and the TaskWhoRelations child relationship lists them in junctionIdListNames."""

RELATION_KEY_PREFIXES = {
    "TaskRelation": "0RT",
    "TaskWhoRelation": "0RT",  # a view over TaskRelation: it shows the TaskRelation's id
    "EventRelation": "0RE",
    "EventWhoRelation": "0RE",  # a view over EventRelation
}
"""Plausible key prefixes (not confirmed from a primary source)."""

EVENT_RELATION_ONLY_WITH_SHARED = True
"""Simplification: EventRelation (and EventWhoRelation) exist only with shared activities on.
A real org also has EventRelation without it, for invitees only; invitees are not emulated
beyond storing IsInvitee."""

NULLING_WHO_DROPS_PRIMARY = True
"""Reading of "If WhoId is set to null, an arbitrary ID from the existing TaskWhoIds list is
promoted": the old primary's relation is removed and the first remaining who becomes WhoId."""

EMPTY_JUNCTION_LIST_IS_NULL = True
"""TaskWhoIds = [] is treated like TaskWhoIds = null: the list becomes [WhoId] (or empty)."""

JUNCTION_LIST_BY_UPSERT_REPLACES = True
"""TaskWhoIds in an upsert by external id (single or sObject Collections) is taken as on create
and update: an upsert that creates relates every id, one that matches replaces the people (the
ones left out are dropped, not kept). Salesforce documents it for create and update only; for
upsert, and for a collection upsert, it is UNCONFIRMED (facts 9). The gateway relies on it
(adapters/salesforce/writes.py); scripts/check_real_org.py settles it against a real org."""

# --- Collections and composite (facts 3.1, 3.2, 8.6, 8.7) ----------------------------------
COLLECTION_MAX_RECORDS = 200
COLLECTION_TOO_MANY_CODE = "EXCEEDED_ID_LIMIT"
"""UNCONFIRMED code for a collection of more than 200 records (whole request, 400)."""
COLLECTION_MAX_CHUNKS = 10
COLLECTION_TOO_MANY_CHUNKS_CODE = "EXCEEDED_MAX_TYPES_LIMIT"
"""UNCONFIRMED code for more than 10 contiguous type chunks (whole request, 400)."""
COLLECTION_MISSING_EXTERNAL_ID_CODE = "MISSING_ARGUMENT"
"""UNCONFIRMED: a record of an upsert collection without a value for the external id field."""
DUPLICATE_EXTERNAL_ID_CODE = "DUPLICATE_EXTERNAL_ID"
"""Two records of one upsert collection with the same external id: both fail with this."""
ROLLED_BACK_MESSAGE = (
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header"
)
COMPOSITE_MAX_SUBREQUESTS = 25
COMPOSITE_MAX_COLLECTIONS_OR_QUERIES = 5
COMPOSITE_LIMIT_CODE = "LIMIT_EXCEEDED"
"""UNCONFIRMED code for a composite over its subrequest limits (whole request, 400)."""
PROCESSING_HALTED_MESSAGE = (
    "The transaction was rolled back since another operation in the same transaction failed."
)

# --- Upsert by external id (facts 3.4) -------------------------------------------------------
UPSERT_UPDATE_STATUS_FROM_VERSION = 46.0
"""An updating upsert answers 200 with a body on API >= 46.0, 204 before (UNCONFIRMED version)."""
UPSERT_REFUSES_CREATE_ONLY_FIELDS = True
"""A write that updates a record (PATCH by Id, an upsert by external id that matches, a
collection update or upsert, a Bulk update or upsert) and carries a field that is createable but
not updateable (Task.TaskSubtype, Event.EventSubtype) fails that record with
INVALID_FIELD_FOR_INSERT_UPDATE "Unable to create/update fields: TaskSubtype. Please check the
security settings of this field and verify that it is read/write for your profile or permission
set.", fields ["TaskSubtype"] (the wording of real recorded responses, e.g. verbb/formie issue
1981). It is refused even when the value equals the stored one: no source says Salesforce ignores
it then, and a client library had to work around the refusal on upserts that match
(https://github.com/tablexi/restforce-db/pull/49); UNCONFIRMED for REST upsert: stricter
reading."""
EXTERNAL_ID_CASE_SENSITIVE = False
"""Activity_Sync_Key__c is unique case-insensitive here (Salesforce allows either)."""

# --- Bulk API 2.0 ingest (facts 3.7; simple-salesforce notes: bulk2) --------------------------
BULK_JUNCTION_SEPARATOR = ";"
"""UNCONFIRMED: TaskWhoIds in a Bulk CSV cell, ids separated by ";" (rest/bulk.py). The gateway
does not rely on it: records carrying TaskWhoIds always go by composite."""
BULK_NULL_CELL = "#N/A"
"""A cell of "#N/A" sets the field to null, an empty cell leaves it as it is (Bulk API 2.0 guide;
not in the facts file). The gateway sends a JSON null as "#N/A" and keeps on composite any
record whose text is exactly "#N/A"."""
BULK_RESULTS_CARRY_COLUMNS = True
"""UNCONFIRMED in detail: successfulResults (sf__Id, sf__Created), failedResults (sf__Id,
sf__Error) and unprocessedrecords repeat the uploaded columns, so the gateway maps rows back by
the external id (or Id) column, never by row order."""
BULK_ERROR_FORMAT = "CODE:message:fields --"
"""UNCONFIRMED: sf__Error starts with the status code and a colon; the gateway classifies the
code as any other refusal and keeps the rest as the message."""
BULK_REQUESTS_COUNT = True
"""UNCONFIRMED: every Bulk API 2.0 ingest request (create, upload, close, poll, results) counts
one call against DailyApiRequests and answers Sforce-Limit-Info, as other REST calls do. The
gateway's figures (about 7 calls a job) assume so; here every request is counted."""
BULK_PROCESSED_ON_CLOSE = True
"""Simplification: a job is processed while the UploadComplete request is answered, so the first
poll finds it JobComplete; a real org takes seconds to minutes and more polls."""

# --- Query ----------------------------------------------------------------------------------
QUERY_BATCH_DEFAULT = 2000
QUERY_BATCH_MIN = 200  # UNCONFIRMED minimum of Sforce-Query-Options batchSize
QUERY_CURSORS_KEPT = 100
"""Open query cursors kept per server (oldest dropped first: INVALID_QUERY_LOCATOR)."""

MAX_URI_BYTES = 16384
"""A request target (path and query string, percent-encoded) longer than this answers 414, as
Salesforce does for URIs over 16,384 bytes (facts 3.5); the body wording is the local org's."""

# --- Limits (facts 3.6) ----------------------------------------------------------------------
DEFAULT_API_LIMIT = 15000  # a Developer Edition's daily total
USAGE_WINDOW = "utc-day"
"""Simplification: the daily counter resets when the UTC date changes (Salesforce: rolling 24h)."""
COUNT_FAULTED_REQUESTS = False
"""Requests refused by an injected fault before processing (limit, 401, 5xx, disconnect) are not
counted; UNABLE_TO_LOCK_ROW happens while processing, so those requests are counted."""

# --- Archived activities (facts 5; `--archive-after-days`) ----------------------------------
ARCHIVE_COMPUTED_ON_READ = True
"""IsArchived is computed when a Task or Event is read (never stored): archived when its date is
more than N days before today (UTC). The date is an Event's EndDateTime (else ActivityDate) and a
Task's ActivityDate, else its CreatedDate. Salesforce archives after about 365 days (facts 5,
secondary sources); which open Tasks it spares and the exact day it runs are UNCONFIRMED: here
open Tasks are archived too and it holds from the first day (stricter reading)."""
ARCHIVED_HIDDEN_FROM_QUERY_EVEN_BY_ID = True
"""/query leaves archived activities out even when the WHERE clause names their Id (child
subqueries and COUNT() too); /queryAll shows them with IsArchived = true. Reads by Id (GET,
collection retrieve, GET by external id), PATCH by Id and upsert by external id still reach them.
The facts note that a query filtered by Id may return them: UNCONFIRMED, stricter reading."""

# --- Users and permissions -----------------------------------------------------------------
PERMISSIONS = ("ViewSetup", "ModifyAllData")
"""Permissions `--deny-permission` can take from the integration user (people of
`--user-session` hold them all). ViewSetup ("View Setup and Configuration") opens GET /limits
(REST API Developer Guide, Limits: "available ... for API users with the View Setup and
Configuration permission"). ModifyAllData opens the Metadata API; Salesforce also accepts
"Modify Metadata Through Metadata API Functions" instead, which the local org does not model, so
without ModifyAllData readMetadata is refused (stricter reading; facts 2)."""
LIMITS_DENIED_CODE = "INSUFFICIENT_ACCESS"
LIMITS_DENIED_MESSAGE = (
    "You don't have permission to view org limits: View Setup and Configuration is required."
)
"""UNCONFIRMED wording: GET /limits without ViewSetup answers 403
[{"errorCode": LIMITS_DENIED_CODE, "message": this}]; the 403 INSUFFICIENT_ACCESS shape is
Salesforce's for a refused resource (REST API Developer Guide, status codes), the code for
/limits and the message are the local org's."""
METADATA_DENIED_MESSAGE = (
    "use of the Metadata API requires a user with the ModifyAllData permission"
)
"""The SOAP fault faultstring after "INSUFFICIENT_ACCESS: " (certinia/apex-mdapi issue 44,
https://github.com/certinia/apex-mdapi/issues/44; facts 2)."""
METADATA_NO_SOAP_ACTION = "The request carries no SOAPAction header"
"""UNCONFIRMED wording, stricter reading: a Metadata API request must be a SOAP 1.1 envelope
sent with a SOAPAction header (empty is fine, as the WSDL's operations declare), with its
SessionHeader inside the envelope's Header in the Metadata API's namespace
(http://soap.sforce.com/2006/04/metadata; the Partner API's in urn:partner.soap.sforce.com),
and the call as the Body's only element. Anything else is a SOAP fault: no SOAPAction
INVALID_SOAP_ACTION, a session header elsewhere INVALID_SESSION_ID, a body that is not one
readMetadata INVALID_OPERATION, a body that is not XML INVALID_XML."""

# --- Converted leads, merge, the recycle bin (Partner SOAP API; facts 9) ----------------------
LEAD_PREFIX = "00Q"
CONVERTED_LEAD_CODE = "CANNOT_UPDATE_CONVERTED_LEAD"
CONVERTED_LEAD_REFERENCE = "cannot reference converted lead"
"""A write pointing at a converted Lead (WhoId, TaskWhoIds, a TaskRelation, convertLead or merge
of it) fails with this code and message (a recorded convertLeadResponse in the public test
fixtures of xsolve-pl/salesforce-client, SOAPSalesforceClientTest)."""
CONVERTED_LEAD_UPDATE = "cannot update a converted lead"
"""UNCONFIRMED wording: an update of a converted Lead itself (Salesforce lets only users with
"View and Edit Converted Leads" edit them, Salesforce Help "Considerations for Converting
Leads"; the integration user is taken not to have it: stricter reading)."""
CONVERTED_FIELDS_READ_ONLY = True
"""Lead.ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId and ConvertedDate are
neither createable nor updateable (only convertLead sets them). A REST update of
ConvertedOpportunityId is refused with INVALID_FIELD_FOR_INSERT_UPDATE (restforce issue 483);
the others by analogy: stricter reading. IsConverted stays createable (imports of converted
leads)."""

CONVERTED_LEAD_STATUSES = ("Closed - Converted",)
INVALID_CONVERTED_STATUS_CODE = "INVALID_STATUS"
"""convertLead's convertedStatus must be a Lead Status marked converted (the LeadStatus object's
IsConverted); the org's one is "Closed - Converted". Another value fails the lead with this
code (UNCONFIRMED code and wording)."""
CONVERT_CONTACT_WITHOUT_ACCOUNT_CODE = "FIELD_INTEGRITY_EXCEPTION"
"""convertLead with a contactId needs the accountId that Contact belongs to (the message
"accountId must be specified if contactId is not null" is reported by users of the API, e.g.
SFDO-Community-Sprints/Interactions-for-Student-Recruitment pull request 18); the code is
UNCONFIRMED."""
CONVERSION_CREATES = "Account(Name=Company), Contact, Opportunity(Name=Company + '-')"
"""What convertLead creates when not given ids (UNCONFIRMED details): an Account named after the
Lead's Company; a Contact with its FirstName, LastName, Email, Title, Phone, Description; unless
doNotCreateOpportunity, an Opportunity named opportunityName (else "Company-") at the first stage
(Prospecting) closing at the end of the current quarter, with the Contact as its primary contact
role (a secondary source: crmcurator "lead conversion process")."""
CONVERSION_WHAT_ID = "the new Opportunity, else unchanged (empty for a Lead's activity)"
"""The Lead's Tasks and Events get the new Contact as WhoId (their relation rows move to it) and
the new Opportunity as WhatId when one is made; without one WhatId stays empty (a Lead's
activity has none). Salesforce Help KB 000385227 ("the related activities have to have the
values in the Name and Related To values set to the Contact and Opportunity (if an Opportunity
is created)") and infallibletechie "What happens when a Lead is Converted" ("WhatId ... mapped
to Opportunity if Create Opportunity is selected else WhatId will be blank")."""
MERGE_MAX_OTHERS = 2
MERGE_LIMIT_CODE = "INVALID_FIELD"
"""A merge names a master and one or two others (Partner API merge: "up to three records"). More,
none, a repeated id, or the master among the others fails that request with this code
(UNCONFIRMED code and wording). Merging is offered for Account, Contact and Lead (describe's
mergeable); another type fails with INVALID_TYPE_FOR_OPERATION (UNCONFIRMED)."""
MERGE_MOVES = "relations without duplicates; a primary loser makes the master primary"
"""What a merge moves to the master (UNCONFIRMED in detail; facts 9: "Contact merge() deletes
the losers and re-parents their related records to the master"): a Contact's or Lead's places on
Tasks and Events (their relation rows; none duplicated when the master is already on the Task;
a Task whose WhoId was a loser gets the master as WhoId), a Contact's contact roles; an
Account's Contacts, Opportunities, Project__c records, child Accounts and the activities whose
WhatId it was. updatedRelatedIds lists the Tasks, Events and other records changed."""
PARTNER_SOAP_MAX_ITEMS = 200
"""convertLead, merge and undelete take at most 200 items a call; more is the SOAP fault
EXCEEDED_ID_LIMIT (UNCONFIRMED code for the three calls)."""
UNDELETE_FAILED_CODE = "UNDELETE_FAILED"
NOT_IN_RECYCLE_BIN = "Entity is not in the recycle bin"
CANNOT_UNDELETE_TYPE = "entity type {} does not support undelete"
"""UNCONFIRMED code and wording (UNDELETE_FAILED is in the Partner WSDL's StatusCode enum): an
undelete of a live record, an unknown id, or a TaskRelation/EventRelation (which "isn't moved to
the Recycle Bin and can't be undeleted", facts 1.1)."""
UNDELETE_RESTORES_RELATIONS = True
"""An undeleted Contact or Lead takes back its places on Tasks and Events that its delete took
(after the people there now; primary only if the activity has nobody), unless the activity is
gone or the rules no longer allow it (51 contacts, a lead with contacts or a WhatId): then that
relation stays deleted. An undeleted Task gets back its relation rows for the people and the
WhatId still live. Facts 1.1: cascade-deleted relations come back with their parent; the rest is
UNCONFIRMED (the local org's reading)."""

# --- Records ---------------------------------------------------------------------------------
MISSING_REFERENCE_CODE = "INVALID_CROSS_REFERENCE_KEY"
"""UNCONFIRMED wording: a well-formed id of the right type that matches no record."""
WRONG_REFERENCE_TYPE_CODE = "FIELD_INTEGRITY_EXCEPTION"
"""An id of the wrong object type in a reference field (seen in the field for WhoId)."""
BAD_VALUE_CODE = "JSON_PARSER_ERROR"
"""A value of the wrong JSON type or format for its field (e.g. a date that is not YYYY-MM-DD)."""
EVENT_END_BEFORE_START_CODE = "FIELD_INTEGRITY_EXCEPTION"
EMAIL_CHECK = "lax"
"""Email fields accept any text without spaces holding one @ and a dot after it (quotes,
backslashes and non-ASCII letters included), so escaping can be tested; a real org is stricter."""
USER_REQUIRED_FIELDS = ("LastName", "Email", "Username")
"""Simplification: a real org also requires Alias, ProfileId, TimeZoneSidKey and others."""
CUSTOM_OBJECT = "Project__c"
"""One custom object (prefix a01, child of Account through Account__c) so WhatId can point at a
custom record (SPEC R13)."""

# --- Record pages (the targets of "open in Salesforce" links) --------------------------------
RECORD_PAGE_VERSION = "63.0"
"""The API version whose fields a record page shows (`/lightning/r/<Object>/<Id>/view`)."""
RECORD_PAGE_WITHOUT_SESSION = 401
"""A record page without a signed-in session (cookie `sid`, set by `/secur/frontdoor.jsp`)
answers 401 with how to sign in; Salesforce redirects to its login page instead. The page is
the local org's own plain rendering of the record's fields, not Lightning's."""
