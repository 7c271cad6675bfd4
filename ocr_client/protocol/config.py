"""The off-chain configuration every oracle runs with, and the rules that make it safe.

Timing follows libocr: a round every DeltaRound, DeltaGrace after the 2f+1-th observation, a new
epoch after DeltaProgress without progress, NEWEPOCH resent every DeltaResend, and transmitters
DeltaStage apart. :func:`validate` refuses a configuration under which the protocol could not make
progress or could be stalled, naming the rule that fails.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from ocr_client.errors import ConfigError

#: Rounds are uint8 on-chain and round rMax + 1 is the "change leader" signal, so rMax <= 254.
MAX_R_MAX: Final[int] = 254
#: On-chain epochs are uint32; a NEWEPOCH beyond this is malformed.
MAX_EPOCH: Final[int] = 2**32 - 1
SHARED_SECRET_BYTES: Final[int] = 16


class ProtocolConfigError(ConfigError):
    """An off-chain configuration breaking one of the protocol's timing or size rules."""

    def __init__(self, rule: str, detail: str) -> None:
        self.rule = rule
        super().__init__(f"invalid protocol config: {rule} ({detail})")


@dataclass(frozen=True)
class Timing:
    """Protocol timeouts in seconds, and the report trigger."""

    delta_progress: float = 8.0
    delta_resend: float = 2.0
    delta_round: float = 1.0
    delta_grace: float = 0.25
    delta_stage: float = 1.0
    r_max: int = 20
    #: A report is due when the median moved by this fraction since the last one (0: any change).
    alpha: float = 0.005
    #: ... or when this long has passed since the last report (the heartbeat, DeltaC).
    delta_c: float = 60.0
    #: Longest a node spends reading its data sources for one observation.
    max_duration_observation: float = 1.0
    #: Longest a node spends on one transmission (chain read + send).
    max_duration_transmit: float = 5.0

    @property
    def heartbeat_lead(self) -> float:
        """How early the heartbeat report starts so it lands within DeltaC: one round for the
        trigger to fall in, the grace period, and one transmission stage."""
        return self.delta_round + self.delta_grace + self.delta_stage


@dataclass(frozen=True)
class ProtocolConfig:
    """What all oracles share off-chain; ``shared_secret`` seeds leader choice and transmit order."""

    n: int
    f: int
    threshold: int
    config_digest: bytes
    shared_secret: bytes
    timing: Timing
    min_answer: int
    max_answer: int
    #: Optional extra safety (not in libocr): a follower signs only a median within this fraction
    #: of its own observation for the round, so more than f liars pause the feed instead of
    #: moving it. None signs any median of a valid quorum.
    sanity_band: float | None = None

    def __post_init__(self) -> None:
        validate(self)

    @property
    def quorum(self) -> int:
        """Observations a report needs: 2f + 1."""
        return 2 * self.f + 1


def validate(config: ProtocolConfig) -> None:
    """Raise :class:`ProtocolConfigError` naming the first rule the configuration breaks."""
    t = config.timing
    if not 0 <= 3 * config.f < config.n:
        raise ProtocolConfigError("3f < n", f"n={config.n}, f={config.f}")
    if not config.f < config.threshold <= config.n - config.f:
        raise ProtocolConfigError("f < threshold <= n - f", f"n={config.n}, f={config.f}, t={config.threshold}")
    if not 0 < t.r_max <= MAX_R_MAX:
        raise ProtocolConfigError(f"0 < rMax <= {MAX_R_MAX}", f"rMax={t.r_max}")
    if not 0 < t.delta_grace < t.delta_round:
        raise ProtocolConfigError("0 < DeltaGrace < DeltaRound", f"{t.delta_grace} vs {t.delta_round}")
    if not t.delta_round < t.delta_progress:
        raise ProtocolConfigError("DeltaRound < DeltaProgress", f"{t.delta_round} vs {t.delta_progress}")
    if not 0 < t.delta_resend:
        raise ProtocolConfigError("DeltaResend > 0", f"{t.delta_resend}")
    if not 0 <= t.delta_stage:
        raise ProtocolConfigError("DeltaStage >= 0", f"{t.delta_stage}")
    busy = t.max_duration_observation + t.delta_grace + t.max_duration_transmit
    if not busy < t.delta_progress:
        raise ProtocolConfigError(
            "maxDurationObservation + DeltaGrace + maxDurationTransmit < DeltaProgress", f"{busy} vs {t.delta_progress}")
    if not 0 <= t.alpha:
        raise ProtocolConfigError("alpha >= 0", f"{t.alpha}")
    if not t.heartbeat_lead < t.delta_c:
        raise ProtocolConfigError("DeltaRound + DeltaGrace + DeltaStage < DeltaC",
                                  f"{t.heartbeat_lead} vs {t.delta_c}")
    if not config.min_answer <= config.max_answer:
        raise ProtocolConfigError("minAnswer <= maxAnswer", f"{config.min_answer} > {config.max_answer}")
    if config.sanity_band is not None and not config.sanity_band > 0:
        raise ProtocolConfigError("sanity band > 0", f"{config.sanity_band}")
    if len(config.config_digest) != 32:
        raise ProtocolConfigError("config digest is 32 bytes", f"{len(config.config_digest)}")
    if len(config.shared_secret) != SHARED_SECRET_BYTES:
        raise ProtocolConfigError(f"shared secret is {SHARED_SECRET_BYTES} bytes", f"{len(config.shared_secret)}")


def _prf(secret: bytes, *parts: bytes) -> int:
    return int.from_bytes(hmac.new(secret, b"|".join(parts), hashlib.sha256).digest(), "big")


@functools.lru_cache(maxsize=64)
def _leader_order(secret: bytes, config_digest: bytes, n: int) -> tuple[int, ...]:
    return tuple(sorted(range(n), key=lambda i: _prf(secret, b"leader", config_digest, i.to_bytes(2, "big"))))


def leader(config: ProtocolConfig, epoch: int) -> int:
    """Leader(e): the e-th oracle (mod n) of a secret permutation keyed by the shared secret.

    Every node computes the same order; outsiders cannot predict it before watching it, and
    since each oracle leads once per n epochs, f faulty oracles can hold at most f epochs in a
    row: a report lands within (f+1) x DeltaProgress plus the staggering after any trigger (a
    fresh PRF draw per epoch could repeat a faulty leader and give no such bound).
    """
    return _leader_order(config.shared_secret, config.config_digest, config.n)[epoch % config.n]


def transmit_order(config: ProtocolConfig, epoch: int, round_: int) -> tuple[int, ...]:
    """The staggered transmission order for (e, r): a permutation every node derives alike."""
    tag = epoch.to_bytes(8, "big") + round_.to_bytes(2, "big")
    return tuple(sorted(range(config.n), key=lambda i: _prf(
        config.shared_secret, b"transmit", config.config_digest, tag, i.to_bytes(2, "big"))))
