#pragma once

#include "cmm/actor_types.hpp"

namespace cmm {

/// Owns a lease and releases it when destroyed (asynchronously: the
/// destructor never blocks), sending the release as `holder`: an actor of
/// the lease holder's node, which receives the answer. Movable, not
/// copyable.
class scoped_lease {
public:
  scoped_lease() = default;

  /// `fallback` receives the release when the lease names no owner.
  scoped_lease(client_actor fallback, lease granted, caf::actor holder);

  scoped_lease(scoped_lease&& other) noexcept;

  scoped_lease& operator=(scoped_lease&& other) noexcept;

  ~scoped_lease();

  explicit operator bool() const noexcept { return granted_.id != 0; }

  const lease& get() const noexcept { return granted_; }

  const inference_actor& model() const noexcept { return granted_.model; }

  /// Releases the lease now.
  void reset();

  /// Gives up ownership without releasing, e.g. after an explicit release.
  lease dismiss() noexcept;

private:
  client_actor fallback_;
  lease granted_;
  caf::actor holder_;
};

} // namespace cmm
