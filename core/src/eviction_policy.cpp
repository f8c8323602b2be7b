#include "cmm/eviction_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

namespace cmm {

const char* to_string(eviction_policy x) {
  switch (x) {
  case eviction_policy::lru:
    return "lru";
  case eviction_policy::cost_aware:
    return "cost-aware";
  }
  return "?";
}

std::optional<eviction_policy> parse_eviction_policy(std::string_view str) {
  if (str == "lru")
    return eviction_policy::lru;
  if (str == "cost-aware" || str == "cost_aware")
    return eviction_policy::cost_aware;
  return std::nullopt;
}

namespace {

/// What it costs to bring a model back, per byte its eviction frees.
double eviction_cost(const eviction_candidate& x) {
  auto bytes = static_cast<double>(std::max<uint64_t>(x.bytes, 1));
  auto cost = x.load_seconds * x.acquire_rate / bytes;
  // A NaN (say, infinite load time times a zero rate) would break the
  // sort's ordering; read it as priceless and keep the model longest.
  return std::isnan(cost) ? std::numeric_limits<double>::infinity() : cost;
}

void sort_lru(std::vector<eviction_candidate>& xs) {
  std::sort(xs.begin(), xs.end(),
            [](const eviction_candidate& a, const eviction_candidate& b) {
              if (a.last_access != b.last_access)
                return a.last_access < b.last_access;
              return a.name < b.name;
            });
}

void sort_cost_aware(std::vector<eviction_candidate>& xs) {
  // Score each candidate once, then sort indices by (score, name).
  struct keyed {
    double cost;
    size_t index;
  };
  std::vector<keyed> keys;
  keys.reserve(xs.size());
  for (size_t i = 0; i < xs.size(); ++i)
    keys.push_back({eviction_cost(xs[i]), i});
  std::sort(keys.begin(), keys.end(), [&xs](const keyed& a, const keyed& b) {
    if (a.cost != b.cost)
      return a.cost < b.cost;
    return xs[a.index].name < xs[b.index].name;
  });
  std::vector<eviction_candidate> sorted;
  sorted.reserve(xs.size());
  for (auto& key : keys)
    sorted.push_back(std::move(xs[key.index]));
  xs = std::move(sorted);
}

} // namespace

eviction_plan plan_eviction(eviction_policy policy,
                            std::vector<eviction_candidate> candidates,
                            uint64_t needed) {
  eviction_plan plan;
  if (needed == 0) {
    plan.sufficient = true;
    return plan;
  }
  switch (policy) {
  case eviction_policy::lru:
    sort_lru(candidates);
    break;
  case eviction_policy::cost_aware:
    sort_cost_aware(candidates);
    break;
  }
  for (auto& candidate : candidates) {
    plan.victims.push_back(std::move(candidate.name));
    plan.freed_bytes += candidate.bytes;
    if (plan.freed_bytes >= needed) {
      plan.sufficient = true;
      break;
    }
  }
  return plan;
}

} // namespace cmm
