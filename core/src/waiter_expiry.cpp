#include "cmm/waiter_expiry.hpp"

namespace cmm {

waiter_expiry expire_waiter(time_point now, time_point caller_deadline,
                            std::optional<time_point> room_deadline) {
  if (!may_grant(now, caller_deadline))
    return waiter_expiry::caller_deadline;
  if (room_deadline && now >= *room_deadline)
    return waiter_expiry::no_room;
  return waiter_expiry::none;
}

} // namespace cmm
