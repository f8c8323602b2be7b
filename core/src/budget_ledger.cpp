#include "cmm/budget_ledger.hpp"

#include <limits>

namespace cmm {

namespace {

constexpr uint64_t max_bytes = std::numeric_limits<uint64_t>::max();

constexpr uint64_t max_resident = std::numeric_limits<uint32_t>::max();

/// Adds `n` to `count` unless that passes `limit`.
template <class T> bool add(T& count, uint64_t n, uint64_t limit = max_bytes) {
  if (count > limit || n > limit - count)
    return false;
  count += static_cast<T>(n);
  return true;
}

/// Subtracts `n` from `count` unless that goes below zero.
template <class T> bool take(T& count, uint64_t n) {
  if (n > count)
    return false;
  count -= static_cast<T>(n);
  return true;
}

failure no_budget(const std::string& device) {
  return {errc::accounting_error, "no budget for device '" + device + "'"};
}

failure refused(const char* what, uint64_t bytes, const device_budget& b) {
  return {errc::accounting_error,
          std::string{"refused to "} + what + " " + std::to_string(bytes) +
              " bytes on " + b.device + " (used " + std::to_string(b.used) +
              ", reserved " + std::to_string(b.reserved) + ", releasing " +
              std::to_string(b.releasing) + ", resident " +
              std::to_string(b.resident) + ")"};
}

/// Applies `step` to a copy of the budget of `device` and keeps the copy
/// only if every part of the step succeeded.
template <class Step>
std::optional<failure> apply(budget_ledger::map_type& budgets,
                             const std::string& device, const char* what,
                             uint64_t bytes, Step step) {
  auto i = budgets.find(device);
  if (i == budgets.end())
    return no_budget(device);
  auto next = i->second;
  if (!step(next))
    return refused(what, bytes, i->second);
  i->second = next;
  return std::nullopt;
}

} // namespace

const device_budget& budget_ledger::open(const std::string& device,
                                         uint64_t capacity) {
  auto [i, added] = budgets_.try_emplace(device);
  if (added) {
    i->second.device = device;
    i->second.capacity = capacity;
  }
  return i->second;
}

const device_budget* budget_ledger::find(const std::string& device) const {
  auto i = budgets_.find(device);
  return i != budgets_.end() ? &i->second : nullptr;
}

std::optional<failure> budget_ledger::reserve(const std::string& device,
                                              uint64_t bytes) {
  return apply(budgets_, device, "reserve", bytes,
               [&](device_budget& b) { return add(b.reserved, bytes); });
}

std::optional<failure> budget_ledger::commit(const std::string& device,
                                             uint64_t reserved,
                                             uint64_t measured) {
  return apply(budgets_, device, "commit as measured the reserved", reserved,
               [&](device_budget& b) {
                 return take(b.reserved, reserved) && add(b.used, measured) &&
                        add(b.resident, 1, max_resident);
               });
}

std::optional<failure> budget_ledger::cancel(const std::string& device,
                                             uint64_t reserved) {
  return apply(budgets_, device, "cancel the reserved", reserved,
               [&](device_budget& b) { return take(b.reserved, reserved); });
}

std::optional<failure> budget_ledger::abandon(const std::string& device,
                                              uint64_t reserved) {
  return apply(budgets_, device, "abandon the reserved", reserved,
               [&](device_budget& b) {
                 return take(b.reserved, reserved) && add(b.used, reserved) &&
                        add(b.releasing, reserved, b.used) &&
                        add(b.resident, 1, max_resident);
               });
}

std::optional<failure> budget_ledger::resize(const std::string& device,
                                             uint64_t from, uint64_t to) {
  return apply(budgets_, device, "resize a resident model of", from,
               [&](device_budget& b) {
                 return b.resident > 0 && b.used - b.releasing >= from &&
                        take(b.used, from) && add(b.used, to);
               });
}

std::optional<failure> budget_ledger::begin_release(const std::string& device,
                                                    uint64_t bytes) {
  // Only the used bytes of a resident model can be on their way out.
  return apply(budgets_, device, "begin releasing", bytes,
               [&](device_budget& b) {
                 return b.resident > 0 && add(b.releasing, bytes, b.used);
               });
}

std::optional<failure> budget_ledger::finish_release(const std::string& device,
                                                     uint64_t bytes) {
  return apply(budgets_, device, "finish releasing", bytes,
               [&](device_budget& b) {
                 return take(b.releasing, bytes) && take(b.used, bytes) &&
                        take(b.resident, 1);
               });
}

std::optional<failure> budget_ledger::move(const std::string& from,
                                           const std::string& to,
                                           uint64_t bytes, uint64_t reserved,
                                           uint64_t moved) {
  if (from == to)
    return failure{errc::accounting_error,
                   "refused to move a model from " + from + " to itself"};
  auto i = budgets_.find(from);
  auto j = budgets_.find(to);
  if (i == budgets_.end())
    return no_budget(from);
  if (j == budgets_.end())
    return no_budget(to);
  auto source = i->second;
  auto target = j->second;
  if (!take(source.used, bytes) || !take(source.resident, 1))
    return refused("move away", bytes, i->second);
  if (!take(target.reserved, reserved) || !add(target.used, moved) ||
      !add(target.resident, 1, max_resident))
    return refused("move in", moved, j->second);
  i->second = source;
  j->second = target;
  return std::nullopt;
}

} // namespace cmm
