"""The people a municipality knows, and the rules that decide whom a name can refer to.

A `Registry` is built from `Observation`s: every way a protocol, a roster or OParl names a
person ("Meier, Jens (SPD)", "Herr Meier", "F. Schmidt"). Observations of one surname (umlaut-
and case-folded, particles dropped) form a bucket; the bucket's `Identity`s are

- one per distinct full first name ("Jens Meier"), and
- for the rest, one per most specific initial/form-of-address signature that fits no full name
  ("Frau Meier" when only a Jens Meier is known: a different person).

A name fits an identity when first name (or initial), form of address, and faction valid on
the meeting date do not contradict it. Everything here is a pure function of the set of
observations, so the keys do not depend on the order in which documents arrive:
a person's key is the surname alone when the bucket holds one identity, else surname plus
first name (or initial/address).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kg.ids import short_hash
from kg.models import pickle_by_fields
from kg.resolve_names import (
    ADDRESSES,
    address_of_given,
    best_spelling,
    clean_given,
    faction_key,
    given_fits,
    given_key,
    initials,
    is_initial,
    person_key,
    surname_key,
)

__all__ = [
    "ADDRESSES", "Identity", "Observation", "Registry", "Signature", "Split", "address_of_given",
    "best_spelling", "build_bucket", "clean_given", "faction_fits", "faction_key", "fits",
    "given_fits", "given_key", "initials", "is_initial", "person_key", "surname_key",
]  # fmt: skip


# ---------------------------------------------------------------- observations and identities


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Observation:
    """One way a source names a person; what the registry is built from.

    `faction` is a faction key (`faction_key`); a roster membership bounds it with
    `start`/`end` (ISO dates, open when None); `date` is the meeting date of a protocol.
    `source` says where it was seen (document or roster IRI), for evidence only.
    """

    surname: str
    given: str | None = None
    address: str | None = None
    title: str | None = None
    faction: str | None = None
    start: str | None = None
    end: str | None = None
    date: str | None = None
    source: str = ""

    @property
    def bucket(self) -> str:
        """The folded surname this observation belongs to."""
        return surname_key(self.surname)

    def sort_key(self) -> tuple[str, ...]:
        """A total order for deterministic processing."""
        fields = (self.surname, self.given, self.address, self.title, self.faction)
        dates = (self.start, self.end, self.date, self.source)
        return tuple(x or "" for x in (*fields, *dates))

    @property
    def full_given(self) -> str | None:
        """The first name when it is more than initials."""
        return self.given if self.given and not is_initial(self.given) else None

    @property
    def implied_address(self) -> str | None:
        """The stated form of address, else the one the first name implies."""
        return self.address or address_of_given(self.given)


Period = tuple[str, str | None, str | None]


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Identity:
    """One person of a bucket: a full first name, or an initial/address signature.

    `memberships` are (faction, start, end); open dates mean "whenever seen".
    """

    bucket: str
    given: str | None = None
    initial: str | None = None
    address: str | None = None
    addresses: frozenset[str] = frozenset()
    memberships: tuple[Period, ...] = ()
    surnames: tuple[str, ...] = ()
    givens: tuple[str, ...] = ()

    def sort_key(self) -> tuple[str, ...]:
        """A total order for deterministic processing."""
        return (self.bucket, self.given or "", self.initial or "", self.address or "")

    @property
    def qualifier(self) -> str | None:
        """What tells this identity apart inside its bucket ("jens", "f herr")."""
        if self.given:
            return self.given
        parts = [p for p in (self.initial, self.address) if p]
        return " ".join(parts) if parts else None

    @property
    def label(self) -> str:
        """The fullest name the sources give ("Sabine Albers")."""
        surname = best_spelling(self.surnames) or self.bucket
        given = best_spelling(self.givens)
        return f"{given} {surname}" if given else surname


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Signature:
    """What one reference tells about a person, for fitting against identities."""

    given: str | None = None
    address: str | None = None
    faction: str | None = None
    date: str | None = None

    @classmethod
    def of(cls, observation: Observation) -> Signature:
        """The signature of an observation (address implied by the first name if missing)."""
        return cls(
            observation.given, observation.implied_address, observation.faction, observation.date
        )


def fits(identity: Identity, sig: Signature) -> bool:
    """Whether a reference with signature `sig` can be this identity.

    >>> jens = Identity("meier", given="jens", addresses=frozenset({"Herr"}))
    >>> fits(jens, Signature("J.", "Herr")), fits(jens, Signature(None, "Frau"))
    (True, False)
    """
    if not _given_fits_identity(sig.given, identity):
        return False
    if sig.address:
        allowed = identity.addresses | ({identity.address} if identity.address else set())
        if allowed and sig.address not in allowed:
            return False
    return faction_fits(identity.memberships, sig.faction, sig.date)


def _given_fits_identity(given: str | None, identity: Identity) -> bool:
    if not given:
        return True
    if identity.given:
        return given_fits(given, identity.given)
    if not is_initial(given):
        return False  # a full first name is an identity of its own
    mine = initials(given)
    known = identity.initial or mine
    return mine.startswith(known) or known.startswith(mine)


def faction_fits(memberships: Iterable[Period], faction: str | None, date: str | None) -> bool:
    """Whether a reference's faction fits what is known of a person's memberships.

    Dated memberships (rosters, OParl) valid on `date` decide; otherwise any faction the
    person was seen in fits (protocols give a faction without a period). Nothing known fits.

    >>> switch = (("spd", "2014-01-01", "2019-12-31"), ("gruene", "2020-01-01", None))
    >>> faction_fits(switch, "spd", "2018-05-01"), faction_fits(switch, "spd", "2021-05-01")
    (True, False)
    >>> faction_fits((("spd", None, None),), "spd", "2021-05-01")
    True
    """
    periods = list(memberships)
    if not faction or not periods:
        return True
    if date:
        current = {
            name for name, start, end in periods if (start or end) and _covers(start, end, date)
        }
        if current:
            return faction in current
    return any(name == faction for name, _, _ in periods)


def _covers(start: str | None, end: str | None, date: str) -> bool:
    return (start is None or start <= date) and (end is None or date <= end)


# ---------------------------------------------------------------- building a bucket


def build_bucket(bucket: str, observations: Iterable[Observation]) -> tuple[Identity, ...]:
    """The identities of one surname bucket (see the module docstring)."""
    observed = sorted(set(observations), key=Observation.sort_key)
    full = _full_identities(bucket, observed)
    partial_obs = [o for o in observed if o.full_given is None]
    absorbed = {o: [i for i in full if fits(i, _naming(o))] for o in partial_obs}
    rest = [o for o in partial_obs if not absorbed[o]]
    partial = _partial_identities(bucket, rest)
    identities = full + partial
    completed = (_with_evidence(i, observed, identities) for i in identities)
    return tuple(sorted(completed, key=Identity.sort_key))


def _full_identities(bucket: str, observed: list[Observation]) -> list[Identity]:
    groups: dict[str, list[Observation]] = defaultdict(list)
    for obs in observed:
        if obs.full_given:
            groups[given_key(obs.full_given)].append(obs)
    identities = []
    for key, group in sorted(groups.items()):
        addresses = frozenset(a for o in group if (a := o.implied_address))
        memberships = _periods(group)
        identities.append(Identity(bucket, key, addresses=addresses, memberships=memberships))
    return identities


def _periods(observations: Iterable[Observation]) -> tuple[Period, ...]:
    found = {(o.faction, o.start, o.end) for o in observations if o.faction}
    return tuple(sorted(found, key=lambda p: tuple(map(str, p))))


def _partial_identities(bucket: str, rest: list[Observation]) -> list[Identity]:
    """The most specific (initial, address) signatures among references no full name fits."""
    signatures = {(_initial(o), o.implied_address) for o in rest}
    maximal = [s for s in signatures if not any(_subsumes(t, s) for t in signatures)]
    return [Identity(bucket, initial=i, address=a) for i, a in sorted(maximal, key=str)]


def _initial(obs: Observation) -> str | None:
    return initials(obs.given) if obs.given else None


def _subsumes(more: tuple[str | None, str | None], less: tuple[str | None, str | None]) -> bool:
    """`more` is a strictly more specific signature than `less` and agrees with it."""
    if more == less:
        return False
    return all(b is None or a == b for a, b in zip(more, less, strict=True))


def _with_evidence(
    identity: Identity, observed: list[Observation], identities: list[Identity]
) -> Identity:
    """Attach spellings, addresses and memberships of the references only it can be."""
    own = [o for o in observed if _only_fit(o, identity, identities)]
    addresses = set(identity.addresses) | {a for o in own if (a := o.implied_address)}
    return replace(
        identity,
        addresses=frozenset(addresses),
        memberships=_periods([*own, *_period_holders(identity, identity.memberships)]),
        surnames=tuple(sorted({o.surname for o in own})),
        givens=tuple(sorted({o.given for o in own if o.given})),
    )


def _period_holders(identity: Identity, periods: Iterable[Period]) -> list[Observation]:
    return [Observation(identity.bucket, faction=f, start=s, end=e) for f, s, e in periods]


def _naming(obs: Observation) -> Signature:
    """What an observation says about who it is, without the faction.

    Factions decide between people only when a reference is made; they never make two
    people out of one, because protocols and extraction attach factions less reliably
    than names.
    """
    return Signature(obs.given, obs.implied_address)


def _only_fit(obs: Observation, identity: Identity, identities: list[Identity]) -> bool:
    sig = _naming(obs)
    if not fits(identity, sig):
        return False
    return not any(other != identity and fits(other, sig) for other in identities)


# ---------------------------------------------------------------- the registry


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Split:
    """Curation: the mentions of `entity` in `document` are someone else.

    Only the mention at `start`-`end` when given; keys are IRI paths below the base IRI.
    """

    entity: str
    document: str
    start: int | None = None
    end: int | None = None

    @property
    def selector(self) -> str:
        """`<document>#char=<start>,<end>` (RFC 5147) or the document alone."""
        if self.start is None:
            return self.document
        return f"{self.document}#char={self.start},{self.end if self.end is not None else ''}"

    @property
    def key(self) -> str:
        """The key the split-off mentions get.

        >>> Split("hagen/person/meier", "hagen/doc/a-1").key
        'hagen/person/meier-split-cf57d728'
        """
        return f"{self.entity}-split-{short_hash(self.selector, 8)}"

    def matches(self, document: str, start: int, end: int, key: str) -> bool:
        """Whether the mention at `start`-`end` of `document`, resolved to `key`, is split off."""
        if key != self.entity or document != self.document:
            return False
        return self.start is None or (self.start == start and self.end in (None, end))


@dataclass(slots=True)
class Registry:
    """Identities of one municipality by bucket, their keys and curation merges.

    `merges` maps an entity key to the key it was merged into (`kg entities merge`).
    """

    municipality: str
    buckets: dict[str, tuple[Identity, ...]] = field(default_factory=dict)
    merges: Mapping[str, str] = field(default_factory=dict)
    splits: tuple[Split, ...] = ()

    @classmethod
    def build(
        cls,
        municipality: str,
        observations: Iterable[Observation],
        merges: Mapping[str, str] | None = None,
        splits: Iterable[Split] = (),
    ) -> Registry:
        """The registry of all `observations` (one municipality).

        >>> obs = [Observation("Albers", "Sabine"), Observation("Albers", address="Frau")]
        >>> Registry.build("Hagen", obs).candidates("Albers")
        ['hagen/person/albers']
        """
        by_bucket: dict[str, list[Observation]] = defaultdict(list)
        for obs in observations:
            by_bucket[obs.bucket].append(obs)
        buckets = {b: build_bucket(b, group) for b, group in sorted(by_bucket.items())}
        registry = cls(municipality, buckets, {})
        registry.merges = registry.normalise_merges(merges or {})
        aliases = registry.aliases()
        registry.splits = tuple(
            replace(s, entity=registry.rewrite(aliases.get(s.entity, s.entity))) for s in splits
        )
        return registry

    def subset(self, buckets: Iterable[str]) -> Registry:
        """The same registry restricted to some buckets (what a worker needs for its files)."""
        kept = {b: self.buckets[b] for b in sorted(set(buckets)) if b in self.buckets}
        return Registry(self.municipality, kept, self.merges, self.splits)

    def identities(self, surname: str) -> tuple[Identity, ...]:
        """The identities of a surname's bucket."""
        return self.buckets.get(surname_key(surname), ())

    def key(self, identity: Identity) -> str:
        """The IRI key of an identity after curation merges."""
        return self.rewrite(self.own_key(identity))

    def own_key(self, identity: Identity) -> str:
        """The key before merges: the surname alone when the bucket holds one identity."""
        bucket = self.buckets.get(identity.bucket, ())
        alone = len(bucket) <= 1
        return person_key(self.municipality, identity.bucket, None if alone else identity.qualifier)

    def stable_key(self, identity: Identity) -> str:
        """The key with the qualifier always present (survives a second Meier arriving)."""
        return person_key(self.municipality, identity.bucket, identity.qualifier)

    def rewrite(self, key: str) -> str:
        """Follow curation merges from `key` to the entity it was merged into."""
        seen = {key}
        while key in self.merges and self.merges[key] not in seen:
            key = self.merges[key]
            seen.add(key)
        return key

    def candidates(self, surname: str, sig: Signature | None = None) -> list[str]:
        """Distinct keys of the identities a reference can be, sorted."""
        sig = sig or Signature()
        return sorted({self.key(i) for i in self.identities(surname) if fits(i, sig)})

    def fitting(self, surname: str, sig: Signature) -> list[Identity]:
        """The identities a reference fits, one per key after merges."""
        chosen: dict[str, Identity] = {}
        for identity in self.identities(surname):
            if fits(identity, sig):
                chosen.setdefault(self.key(identity), identity)
        return [chosen[k] for k in sorted(chosen)]

    def split_key(self, document: str, start: int, end: int, key: str) -> str:
        """The key of a mention after curation splits (`key` when none applies)."""
        for split in self.splits:
            if split.matches(document, start, end, key):
                return split.key
        return key

    def stable(self, key: str) -> str:
        """The stable alias of an identity's current key (for curation.yaml), else `key`."""
        for bucket in self.buckets.values():
            for identity in bucket:
                if self.own_key(identity) == key:
                    return self.stable_key(identity)
        return key

    def aliases(self) -> dict[str, str]:
        """Every key an identity is known by (own and stable) -> its own key."""
        found: dict[str, str] = {}
        for bucket in self.buckets.values():
            for identity in bucket:
                own = self.own_key(identity)
                found.setdefault(self.stable_key(identity), own)
                found[own] = own
        return found

    def normalise_merges(self, merges: Mapping[str, str]) -> dict[str, str]:
        """Merges with stable keys ("meier-jens") mapped to the current keys ("meier")."""
        aliases = self.aliases()
        return {aliases.get(a, a): aliases.get(b, b) for a, b in merges.items() if a != b}

    def labels(self) -> dict[str, str]:
        """The canonical label of every identity key (merged identities: the target's)."""
        labels: dict[str, list[tuple[bool, str]]] = defaultdict(list)
        for bucket in self.buckets.values():
            for identity in bucket:
                key = self.key(identity)
                labels[key].append((self.own_key(identity) != key, identity.label))
        return {key: _fullest(names) for key, names in labels.items()}

    def state(self, bucket: str) -> tuple[tuple[str, Identity], ...]:
        """What resolution of a bucket depends on; differs when re-resolution is needed."""
        pairs = ((self.key(i), i) for i in self.buckets.get(bucket, ()))
        return tuple(sorted(pairs, key=lambda p: (p[0], p[1].sort_key())))


def _fullest(names: list[tuple[bool, str]]) -> str:
    """The merge target's own label first, then the one with the most words."""
    return sorted(set(names), key=lambda n: (n[0], -len(n[1].split()), -len(n[1]), n[1]))[0][1]
