#include "cmm/batching.hpp"

#include <charconv>
#include <numeric>
#include <string>

#include "cmm/duration_text.hpp"

namespace cmm {

std::optional<batch_policy> parse_batch_policy(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return std::nullopt;
  auto digits = text.substr(0, colon);
  uint32_t rows = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), rows);
  if (ec != std::errc{} || end != digits.data() + digits.size() || rows < 2 ||
      rows > max_batch_rows)
    return std::nullopt;
  auto delay_text = text.substr(colon + 1);
  auto delay = parse_duration(delay_text);
  if (!delay || *delay > max_batch_delay)
    return std::nullopt;
  return batch_policy{rows, *delay};
}

std::string to_string(const batch_policy& policy) {
  return std::to_string(policy.max_rows) + ":" +
         to_text(std::chrono::duration_cast<std::chrono::milliseconds>(
             policy.delay));
}

std::optional<int64_t> batch_rows(const std::vector<tensor>& inputs) {
  if (inputs.empty())
    return std::nullopt;
  int64_t rows = -1;
  for (auto& x : inputs) {
    if (x.shape.empty() || x.shape[0] <= 0)
      return std::nullopt;
    if (rows >= 0 && x.shape[0] != rows)
      return std::nullopt;
    rows = x.shape[0];
  }
  return rows;
}

bool batch_compatible(const std::vector<tensor>& a,
                      const std::vector<tensor>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto& x = a[i];
    auto& y = b[i];
    if (x.type != y.type || x.shape.size() != y.shape.size() || x.shape.empty())
      return false;
    if (!std::equal(x.shape.begin() + 1, x.shape.end(), y.shape.begin() + 1))
      return false;
  }
  return true;
}

std::vector<size_t>
pick_batch(const std::vector<const std::vector<tensor>*>& waiting,
           uint32_t max_rows) {
  std::vector<size_t> picked;
  if (waiting.empty())
    return picked;
  auto& first = *waiting.front();
  picked.push_back(0);
  auto rows = batch_rows(first).value_or(0);
  for (size_t i = 1; i < waiting.size(); ++i) {
    auto more = batch_rows(*waiting[i]);
    if (!more || !batch_compatible(first, *waiting[i]))
      continue;
    if (rows + *more > static_cast<int64_t>(max_rows))
      continue;
    rows += *more;
    picked.push_back(i);
  }
  return picked;
}

std::vector<tensor>
concat_rows(const std::vector<const std::vector<tensor>*>& requests) {
  std::vector<tensor> out;
  if (requests.empty())
    return out;
  auto inputs = requests.front()->size();
  for (size_t i = 0; i < inputs; ++i) {
    auto& model = (*requests.front())[i];
    size_t total = 0;
    int64_t rows = 0;
    for (auto* req : requests) {
      total += (*req)[i].nbytes();
      rows += (*req)[i].shape[0];
    }
    std::vector<uint8_t> bytes;
    bytes.reserve(total);
    for (auto* req : requests)
      if (auto& part = (*req)[i].bytes)
        bytes.insert(bytes.end(), part->begin(), part->end());
    tensor joined;
    joined.type = model.type;
    joined.shape = model.shape;
    joined.shape[0] = rows;
    joined.bytes =
        std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
    out.push_back(std::move(joined));
  }
  return out;
}

result<std::vector<std::vector<tensor>>>
split_rows(const std::vector<tensor>& outputs,
           const std::vector<int64_t>& rows) {
  auto total = std::accumulate(rows.begin(), rows.end(), int64_t{0});
  std::vector<std::vector<tensor>> parts(rows.size());
  for (auto& out : outputs) {
    if (out.shape.empty() || out.shape[0] != total || !out.bytes ||
        out.nbytes() % static_cast<size_t>(total) != 0)
      return failure{errc::inference_failed,
                     "a batched output does not keep one row per input row "
                     "(first dimension " +
                         std::string{out.shape.empty()
                                         ? "absent"
                                         : std::to_string(out.shape[0])} +
                         ", " + std::to_string(total) + " rows in)"};
    auto row_bytes = out.nbytes() / static_cast<size_t>(total);
    auto at = out.bytes->begin();
    for (size_t j = 0; j < rows.size(); ++j) {
      auto size = row_bytes * static_cast<size_t>(rows[j]);
      tensor part;
      part.type = out.type;
      part.shape = out.shape;
      part.shape[0] = rows[j];
      part.bytes = std::make_shared<const std::vector<uint8_t>>(at, at + size);
      at += static_cast<std::ptrdiff_t>(size);
      parts[j].push_back(std::move(part));
    }
  }
  return parts;
}

bool batch_due(int64_t rows_ready, const batch_policy& policy,
               time_point oldest_arrival, time_point now) {
  return rows_ready >= static_cast<int64_t>(policy.max_rows) ||
         now - oldest_arrival >= policy.delay;
}

} // namespace cmm
