#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cmm/failure.hpp"
#include "cmm/lease_token.hpp"
#include "cmm/result.hpp"

namespace cmm {

/// The leases a supervisor has granted: for each, the model instance it is
/// on (entry name and generation), its holder, the instance's handle and
/// its token.
///
/// Ownership: a holder releases its own lease by presenting the lease's
/// token (`release`); a wrong token or another caller is `not_permitted`, an
/// id the table does not hold is `unknown_lease`, so a lease is never
/// returned twice. The table's owner takes leases back
/// without their holders: one lease (`revoke`), every lease of a holder
/// that is gone (`revoke_holder`), or every lease of a model unloaded by force
/// (`revoke_model`): those stay, marked revoked, until their holders return
/// them.
///
/// `Holder` is ordered and its default value means "no holder"; `Handle`
/// is what the owner needs to reach the instance once its leases are back.
/// The table counts leases; it does not know models, devices or messages.
template <class Holder, class Handle> class lease_table {
public:
  /// One outstanding lease.
  struct record {
    std::string model;
    uint64_t generation = 0;
    Holder holder;
    Handle handle;
    lease_token token;
    /// Its model was unloaded by force: returning it only settles accounts.
    bool revoked = false;
  };

  /// Records a lease and returns its id: never 0, never reused.
  uint64_t grant(std::string model, uint64_t generation, Holder holder,
                 Handle handle, const lease_token& token) {
    auto id = next_id_++;
    if (holder != Holder{})
      held_[holder].insert(id);
    leases_.emplace(id, record{std::move(model), generation, std::move(holder),
                               std::move(handle), token, false});
    return id;
  }

  /// Returns lease `id` for `caller`, who must be its holder and present its
  /// token (a lease without holder needs the token alone). Answers the
  /// record of the returned lease.
  [[nodiscard]] result<record> release(uint64_t id, const lease_token& token,
                                       const Holder& caller) {
    return release_if(id, token,
                      [&](const Holder& holder) { return holder == caller; });
  }

  /// Returns lease `id` for a caller that presents `token` and for which
  /// `acts_for(holder)` holds: a wider notion of "the holder", such as any
  /// actor of the holder's process. Answers the record of the returned
  /// lease.
  template <class ActsFor>
  [[nodiscard]] result<record> release_if(uint64_t id, const lease_token& token,
                                          ActsFor acts_for) {
    auto i = leases_.find(id);
    if (i == leases_.end())
      return unknown(id);
    auto& rec = i->second;
    if (rec.token != token)
      return failure{errc::not_permitted,
                     "lease " + std::to_string(id) +
                         " was not released: the token is wrong"};
    if (rec.holder != Holder{} && !acts_for(rec.holder))
      return failure{errc::not_permitted,
                     "lease " + std::to_string(id) +
                         " was not released: it belongs to another holder"};
    return take(i);
  }

  /// Takes back lease `id` without its holder or token, e.g. because the
  /// instance it is on is gone; none if the table does not hold it.
  std::optional<record> revoke(uint64_t id) {
    auto i = leases_.find(id);
    if (i == leases_.end())
      return std::nullopt;
    return take(i);
  }

  /// Takes back every lease of `holder`, e.g. because it is gone.
  std::vector<record> revoke_holder(const Holder& holder) {
    std::vector<record> result;
    auto i = held_.find(holder);
    if (i == held_.end())
      return result;
    auto ids = std::move(i->second);
    held_.erase(i);
    for (auto id : ids) {
      auto j = leases_.find(id);
      result.push_back(std::move(j->second));
      leases_.erase(j);
    }
    return result;
  }

  /// Marks every lease of `model` not yet revoked as revoked and returns how
  /// many were.
  uint32_t revoke_model(const std::string& model) {
    uint32_t n = 0;
    for (auto& [id, rec] : leases_) {
      if (!rec.revoked && rec.model == model) {
        rec.revoked = true;
        ++n;
      }
    }
    return n;
  }

  /// Leases outstanding on one instance of `model`, revoked ones included.
  /// Linear in the number of leases.
  uint32_t count(const std::string& model, uint64_t generation) const {
    uint32_t n = 0;
    for (auto& [id, rec] : leases_)
      if (rec.model == model && rec.generation == generation)
        ++n;
    return n;
  }

  /// Whether `holder` holds any lease.
  bool holds(const Holder& holder) const { return held_.count(holder) > 0; }

  bool empty() const noexcept { return leases_.empty(); }

  size_t size() const noexcept { return leases_.size(); }

private:
  using map_type = std::unordered_map<uint64_t, record>;

  static failure unknown(uint64_t id) {
    return {errc::unknown_lease, "lease " + std::to_string(id) +
                                     " is unknown or was already released"};
  }

  record take(typename map_type::iterator i) {
    auto rec = std::move(i->second);
    if (rec.holder != Holder{}) {
      auto j = held_.find(rec.holder);
      j->second.erase(i->first);
      if (j->second.empty())
        held_.erase(j);
    }
    leases_.erase(i);
    return rec;
  }

  map_type leases_;
  std::map<Holder, std::set<uint64_t>> held_;
  uint64_t next_id_ = 1;
};

} // namespace cmm
