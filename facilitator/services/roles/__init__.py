"""Meeting roles: role types, willingness, taking and releasing slots,
assignments by co-responsibles, unavailability, the fair fill and swaps.

One module per area; every public name is importable from here
(``roles.take(...)``):

- ``definitions``: the roles a group defines (defaults, add, change, retire, order);
- ``willingness``: the roles a member is ready to take (opt-ins);
- ``absences``: the dates a member is away, and their roles on those dates;
- ``slots``: a meeting's slots, taken, assigned, released, reopened;
- ``autofill``: the fair auto-fill of the next meetings' open slots;
- ``fair_share``: how often each member held each role;
- ``mine``: a user's coming roles and the marks on meeting lists;
- ``swaps``: hand-overs and exchanges between members;
- ``errors``: why a role cannot be taken, assigned or released (also in fills and swaps).
"""

from facilitator.services.roles.absences import (
    RoleWhileAway,
    add_unavailability,
    away_on,
    remove_unavailability,
    roles_while_away,
    unavailabilities,
)
from facilitator.services.roles.autofill import (
    Filled,
    Proposal,
    apply_autofill,
    autofill_proposal,
    filled,
)
from facilitator.services.roles.definitions import (
    DEFAULT_ROLES,
    RoleData,
    add_role_type,
    create_defaults,
    move,
    role_type_in,
    role_types,
    roles_of,
    set_active,
    update_role_type,
)
from facilitator.services.roles.errors import (
    AlreadyHasRole,
    Away,
    MeetingClosed,
    SlotTaken,
    TooLate,
)
from facilitator.services.roles.fair_share import FairnessRow, fairness
from facilitator.services.roles.mine import MyRole, by_meeting, first_times, my_marks, my_roles
from facilitator.services.roles.slots import (
    HolderChanged,
    RoleSlots,
    assign,
    assignment_in,
    drop_future_assignments,
    mark_exclusive_holders,
    release,
    slots_for,
    slots_of,
    take,
    unassign,
)
from facilitator.services.roles.swaps import (
    AlreadyAsked,
    SwapGone,
    SwapInvalid,
    SwapNote,
    YouHaveARoleThere,
    accept_swap,
    cancel_swap,
    open_swap,
    pending_swaps,
    propose_swap,
    swap_in,
    swap_note,
    swap_options,
)
from facilitator.services.roles.willingness import opted_in, set_opt_ins

__all__ = [
    "DEFAULT_ROLES",
    "AlreadyAsked",
    "AlreadyHasRole",
    "Away",
    "FairnessRow",
    "Filled",
    "HolderChanged",
    "MeetingClosed",
    "MyRole",
    "Proposal",
    "RoleData",
    "RoleSlots",
    "RoleWhileAway",
    "SlotTaken",
    "SwapGone",
    "SwapInvalid",
    "SwapNote",
    "TooLate",
    "YouHaveARoleThere",
    "accept_swap",
    "add_role_type",
    "add_unavailability",
    "apply_autofill",
    "assign",
    "assignment_in",
    "autofill_proposal",
    "away_on",
    "by_meeting",
    "cancel_swap",
    "create_defaults",
    "drop_future_assignments",
    "fairness",
    "filled",
    "first_times",
    "mark_exclusive_holders",
    "move",
    "my_marks",
    "my_roles",
    "open_swap",
    "opted_in",
    "pending_swaps",
    "propose_swap",
    "release",
    "remove_unavailability",
    "role_type_in",
    "role_types",
    "roles_of",
    "roles_while_away",
    "set_active",
    "set_opt_ins",
    "slots_for",
    "slots_of",
    "swap_in",
    "swap_note",
    "swap_options",
    "take",
    "unassign",
    "unavailabilities",
    "update_role_type",
]
