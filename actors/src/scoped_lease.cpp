#include "cmm/scoped_lease.hpp"

#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace cmm {

scoped_lease::scoped_lease(client_actor fallback, lease granted,
                           caf::actor holder)
    : fallback_(std::move(fallback)), granted_(std::move(granted)),
      holder_(std::move(holder)) {
  // nop
}

scoped_lease::scoped_lease(scoped_lease&& other) noexcept
    : fallback_(std::move(other.fallback_)), granted_(other.dismiss()),
      holder_(std::move(other.holder_)) {
  // nop
}

scoped_lease& scoped_lease::operator=(scoped_lease&& other) noexcept {
  if (this != &other) {
    reset();
    fallback_ = std::move(other.fallback_);
    granted_ = other.dismiss();
    holder_ = std::move(other.holder_);
  }
  return *this;
}

scoped_lease::~scoped_lease() {
  reset();
}

void scoped_lease::reset() {
  if (granted_.id != 0) {
    // The granting supervisor may be another node's.
    auto owner = granted_.owner ? granted_.owner : fallback_;
    // The supervisor takes a release only from the holder's node.
    if (owner && holder_)
      caf::send_as(holder_, owner, give_back_atom_v, granted_.id,
                   granted_.token);
  }
  dismiss();
}

lease scoped_lease::dismiss() noexcept {
  auto result = std::move(granted_);
  granted_ = lease{};
  return result;
}

} // namespace cmm
