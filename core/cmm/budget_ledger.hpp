#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "cmm/device_budget.hpp"
#include "cmm/failure.hpp"

namespace cmm {

/// The memory accounts of every device, changed only by named transitions.
///
/// A load reserves its estimate, then either commits (the estimate gives way
/// to the measured bytes and the model becomes resident) or cancels. An
/// unload begins a release (the bytes stay used but count as on their way
/// out) and finishes it when the model actor confirms. A move between two
/// devices reserves on the target and, once done, takes the model off its
/// source and makes it resident on the target. A load or move given up
/// while its actor may still hold memory is abandoned: its reservation
/// becomes a resident model on its way out, released when the actor is gone.
///
/// Every transition is checked first and applied whole: one that would take
/// a count below zero (or past its range), release more than is used, or
/// name a device without a budget changes nothing and returns an
/// `accounting_error`. The ledger never wraps a count. It does not decide
/// whether a model fits: admission does (see `admission.hpp`).
class budget_ledger {
public:
  using map_type = std::map<std::string, device_budget>;

  /// Adds a budget for `device` of `capacity` bytes unless it has one;
  /// returns the device's budget either way.
  const device_budget& open(const std::string& device, uint64_t capacity);

  /// The budget of `device`, or null if it has none.
  const device_budget* find(const std::string& device) const;

  /// Every budget, by device string.
  const map_type& budgets() const noexcept { return budgets_; }

  /// A load of an estimated `bytes` starts (or a move to `device` does).
  [[nodiscard]] std::optional<failure> reserve(const std::string& device,
                                               uint64_t bytes);

  /// The load that reserved `reserved` bytes finished and measures
  /// `measured` bytes: one more resident model.
  [[nodiscard]] std::optional<failure>
  commit(const std::string& device, uint64_t reserved, uint64_t measured);

  /// The load or move that reserved `reserved` bytes will not happen.
  [[nodiscard]] std::optional<failure> cancel(const std::string& device,
                                              uint64_t reserved);

  /// The load or move that reserved `reserved` bytes is given up while its
  /// actor may still hold them (it timed out, or was cancelled): they count
  /// as a resident model on its way out until `finish_release`.
  [[nodiscard]] std::optional<failure> abandon(const std::string& device,
                                               uint64_t reserved);

  /// A resident model of `from` bytes now measures `to` (it was loaded
  /// again in another precision).
  [[nodiscard]] std::optional<failure> resize(const std::string& device,
                                              uint64_t from, uint64_t to);

  /// A resident model of `bytes` starts unloading.
  [[nodiscard]] std::optional<failure> begin_release(const std::string& device,
                                                     uint64_t bytes);

  /// The unload begun for `bytes` finished: one resident model fewer.
  [[nodiscard]] std::optional<failure> finish_release(const std::string& device,
                                                      uint64_t bytes);

  /// A model of `bytes` on `from` now lives on `to`, where it measures
  /// `moved` bytes and had reserved `reserved` bytes for the move.
  [[nodiscard]] std::optional<failure> move(const std::string& from,
                                            const std::string& to,
                                            uint64_t bytes, uint64_t reserved,
                                            uint64_t moved);

private:
  map_type budgets_;
};

} // namespace cmm
