"""Every call to the org passes here: budget, count, retry with back-off, renewal, translation."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from simple_salesforce.api import Salesforce

from adapters.salesforce.errors import TRANSLATED, translate
from adapters.salesforce.retry import Backoff
from projections.ports import (
    ApiUsage,
    BudgetExhausted,
    PermanentSyncError,
    RetryableSyncError,
    SessionExpired,
)

T = TypeVar("T")
# A spent budget is re-read from /limits at most this often (usage falls over a rolling day).
BUDGET_RECHECK_SECONDS = 300.0
# /limits needs "View Setup and Configuration"; without it the org answers 403 with one of
# these codes, and the usage comes from the Sforce-Limit-Info header of every answer instead.
LIMITS_DENIED_CODES = frozenset(
    {"INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "HTTP_403"}
)


class Transport:
    """Owns the simple-salesforce client and the API-usage figures (R24, R25)."""

    def __init__(
        self,
        sf: Salesforce,
        backoff: Backoff,
        budget_percent: int | None = 70,
        renew: Callable[[], Salesforce] | None = None,
        timeout: float = 120.0,
        budget_recheck_seconds: float = BUDGET_RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sf = sf
        self.backoff = backoff
        self.budget_percent = budget_percent
        self.renew = renew
        self.timeout = timeout
        self.calls_made = 0
        self.retries = 0
        self.budget_recheck_seconds = budget_recheck_seconds
        self.clock = clock
        self.usage: ApiUsage | None = None
        self._usage_at = 0.0  # clock() when usage was last learnt from the org
        self._seen: object = sf.api_usage
        self._noted = False
        self.limits_denied = False  # the sync user may not read /limits (no View Setup)

    # -- the one way in -------------------------------------------------------------------
    def call(self, action: Callable[[Salesforce], T], budgeted: bool = True) -> T:
        """Run `action(sf)` once per attempt until it succeeds or attempts run out."""
        renewed = False
        attempt = 0
        while True:
            attempt += 1
            if budgeted:
                self.check_budget()
            try:
                return self._once(action)
            except SessionExpired:
                if self.renew is None or renewed:
                    raise
                renewed = True
                attempt -= 1
                self.sf = self.renew()
                self._seen = self.sf.api_usage
            except RetryableSyncError:
                if attempt >= self.backoff.max_attempts:
                    raise
                self.retries += 1
                self.backoff.wait(attempt)

    def _once(self, action: Callable[[Salesforce], T]) -> T:
        self.calls_made += 1
        self._noted = False
        try:
            result = action(self.sf)
        except TRANSLATED as error:
            translated = translate(error)
            if not isinstance(translated, SessionExpired):
                self._count_unreported()
            raise translated from error
        self._observe(self.sf.api_usage)
        return result

    # -- API usage --------------------------------------------------------------------------
    def note_usage(self, api_usage: Mapping[str, Any]) -> None:
        """Take usage from an object simple-salesforce parsed a header into (an SFType)."""
        usage = api_usage.get("api-usage")
        if usage is not None:
            self.usage = ApiUsage(used=int(usage.used), limit=int(usage.total))
            self._usage_at = self.clock()
            self._noted = True

    def _observe(self, api_usage: Mapping[str, Any]) -> None:
        if self._noted:
            return
        if api_usage is not self._seen and api_usage.get("api-usage") is not None:
            self._seen = api_usage
            self.note_usage(api_usage)
        else:
            self._count_unreported()

    def _count_unreported(self) -> None:
        """A call whose answer carried no usage still counted in the org: estimate it."""
        if self.usage is not None:
            self.usage = ApiUsage(used=self.usage.used + 1, limit=self.usage.limit)

    def read_limits(self) -> ApiUsage:
        """GET /limits: the org's daily usage now. Without the permission to read it, the
        usage comes from the header of a light call that every user may make."""
        if not self.limits_denied:
            try:
                limits = self.call(lambda sf: sf.limits(timeout=self.timeout), budgeted=False)
            except PermanentSyncError as error:
                if error.code not in LIMITS_DENIED_CODES:
                    raise
                self.limits_denied = True
            else:
                return self._from_limits(limits)
        return self._from_header()

    def _from_limits(self, limits: Mapping[str, Any]) -> ApiUsage:
        daily = limits["DailyApiRequests"]
        self.usage = ApiUsage(
            used=int(daily["Max"]) - int(daily["Remaining"]), limit=int(daily["Max"])
        )
        self._usage_at = self.clock()
        return self.usage

    def _from_header(self) -> ApiUsage:
        """GET /services/data/vNN.N/ (the resources list): its Sforce-Limit-Info is the usage."""
        self._usage_at = self.clock()
        self.call(lambda sf: sf.restful("", timeout=self.timeout), budgeted=False)
        if self.usage is None:
            raise PermanentSyncError(
                "NO_USAGE",
                "the org reports no API usage: /limits is refused and answers carry no "
                "Sforce-Limit-Info header",
            )
        return self.usage

    def check_budget(self, calls: int = 1) -> None:
        """R25: refuse `calls` more calls (one, or a whole Bulk job) past the engine's share.

        A figure that says the share is spent is re-read from /limits once it is older than
        `budget_recheck_seconds`: a long-running worker (`sync --follow`) resumes when the
        org's usage falls or its limit is raised, instead of trusting a stale figure forever.
        """
        if self.budget_percent is None:
            return
        usage = self.usage or self.read_limits()
        spent = self._spent(usage, calls)
        if spent and self.clock() - self._usage_at >= self.budget_recheck_seconds:
            usage = self.read_limits()
        if self._spent(usage, calls):
            share = usage.limit * self.budget_percent / 100
            raise BudgetExhausted(usage.used, usage.limit, int(share))

    def _spent(self, usage: ApiUsage, calls: int = 1) -> bool:
        share = usage.limit * (self.budget_percent or 100) / 100
        return usage.used + calls > share

    # -- paths -----------------------------------------------------------------------------
    def data_path(self, relative: str) -> str:
        """A REST path as composite subrequests name it: /services/data/vNN.N/<relative>."""
        return f"/services/data/v{self.sf.sf_version}/{relative}"
