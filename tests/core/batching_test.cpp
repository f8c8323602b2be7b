#include "cmm/batching.hpp"

#include <numeric>

#include <catch2/catch.hpp>

#include "cmm/catalog.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// A tensor of `type` and `shape` whose bytes count up from `first`, so
/// that rows can be told apart after a round trip.
tensor counting(dtype type, std::vector<int64_t> shape, uint8_t first = 0) {
  tensor x;
  x.type = type;
  x.shape = std::move(shape);
  std::vector<uint8_t> bytes(static_cast<size_t>(x.numel()) *
                             element_size(type));
  std::iota(bytes.begin(), bytes.end(), first);
  x.bytes = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  return x;
}

std::vector<tensor> one(dtype type, std::vector<int64_t> shape,
                        uint8_t first = 0) {
  return {counting(type, std::move(shape), first)};
}

} // namespace

TEST_CASE("batch policies parse as MAX:DELAY within their limits",
          "[batching]") {
  struct row {
    const char* text;
    std::optional<uint32_t> rows;
    duration delay;
  };
  auto r = GENERATE(values<row>({
      {"32:2ms", 32, 2ms},
      {"2:0", 2, 0ms},
      {"65536:1s", 65536, 1s},
      {"8:500ms", 8, 500ms},
      {"1:2ms", std::nullopt, {}},
      {"0:2ms", std::nullopt, {}},
      {"65537:2ms", std::nullopt, {}},
      {"8:2s", std::nullopt, {}},
      {"8", std::nullopt, {}},
      {":2ms", std::nullopt, {}},
      {"8:", std::nullopt, {}},
      {"-8:2ms", std::nullopt, {}},
      {"8x:2ms", std::nullopt, {}},
      {"8:-1ms", std::nullopt, {}},
      {"99999999999:1ms", std::nullopt, {}},
  }));
  CAPTURE(r.text);
  auto parsed = parse_batch_policy(r.text);
  REQUIRE(parsed.has_value() == r.rows.has_value());
  if (parsed) {
    CHECK(parsed->max_rows == *r.rows);
    CHECK(parsed->delay == r.delay);
    CHECK(parsed->enabled());
    CHECK(parse_batch_policy(to_string(*parsed))->max_rows == *r.rows);
  }
}

TEST_CASE("a catalog entry takes batch=MAX:DELAY and refuses a bad one",
          "[batching]") {
  catalog_entry entry;
  REQUIRE(parse_catalog_entry("m", "m.pt,base,cpu,fp32,batch=16:3ms", entry));
  CHECK(entry.batch.max_rows == 16);
  CHECK(entry.batch.delay == 3ms);
  catalog_entry untouched;
  CHECK_FALSE(
      parse_catalog_entry("m", "m.pt,base,cpu,fp32,batch=1:3ms", untouched));
  CHECK_FALSE(untouched.batch.enabled());
}

TEST_CASE("a request's rows are the first dimension all its inputs share",
          "[batching]") {
  struct row {
    std::vector<std::vector<int64_t>> shapes;
    std::optional<int64_t> rows;
  };
  auto r = GENERATE(values<row>({
      {{{4, 3}}, 4},
      {{{1, 64}, {1}}, 1},
      {{{2, 3, 5}, {2, 7}}, 2},
      {{{2, 3}, {3, 3}}, std::nullopt},
      {{{}}, std::nullopt},
      {{{0, 3}}, std::nullopt},
      {{}, std::nullopt},
  }));
  std::vector<tensor> inputs;
  for (auto& shape : r.shapes)
    inputs.push_back(counting(dtype::f32, shape));
  CHECK(batch_rows(inputs) == r.rows);
}

TEST_CASE("requests batch together only when every input agrees but in rows",
          "[batching]") {
  auto base = one(dtype::f32, {2, 3});
  CHECK(batch_compatible(base, one(dtype::f32, {5, 3})));
  CHECK_FALSE(batch_compatible(base, one(dtype::f16, {2, 3})));
  CHECK_FALSE(batch_compatible(base, one(dtype::f32, {2, 4})));
  CHECK_FALSE(batch_compatible(base, one(dtype::f32, {2, 3, 1})));
  auto two = base;
  two.push_back(counting(dtype::i64, {2}));
  CHECK_FALSE(batch_compatible(base, two));
  auto other_two = one(dtype::f32, {7, 3});
  other_two.push_back(counting(dtype::i64, {7}));
  CHECK(batch_compatible(two, other_two));
  other_two[1] = counting(dtype::i32, {7});
  CHECK_FALSE(batch_compatible(two, other_two));
}

TEST_CASE("the next batch is the oldest request and the later ones that fit",
          "[batching]") {
  auto a = one(dtype::f32, {3, 4});
  auto b = one(dtype::f32, {2, 4});
  auto odd = one(dtype::f32, {1, 5});
  auto big = one(dtype::f32, {9, 4});
  auto c = one(dtype::f32, {1, 4});
  std::vector<const std::vector<tensor>*> waiting{&a, &odd, &b, &big, &c};
  CHECK(pick_batch(waiting, 8) == std::vector<size_t>{0, 2, 4});
  CHECK(pick_batch(waiting, 5) == std::vector<size_t>{0, 2});
  CHECK(pick_batch(waiting, 3) == std::vector<size_t>{0});
  // The oldest goes even when it alone is larger than a batch.
  std::vector<const std::vector<tensor>*> large_first{&big, &a};
  CHECK(pick_batch(large_first, 8) == std::vector<size_t>{0});
  CHECK(pick_batch({}, 8).empty());
}

TEST_CASE("concatenated rows split back into each request's own bytes",
          "[batching]") {
  auto dt = GENERATE(dtype::f32, dtype::bf16, dtype::i64, dtype::u8);
  CAPTURE(to_string(dt));
  std::vector<std::vector<tensor>> requests;
  std::vector<int64_t> rows{1, 3, 2};
  uint8_t first = 0;
  for (auto n : rows) {
    auto req = one(dt, {n, 2, 3}, first);
    req.push_back(counting(dt, {n}, static_cast<uint8_t>(first + 100)));
    first = static_cast<uint8_t>(first + 50);
    requests.push_back(std::move(req));
  }
  std::vector<const std::vector<tensor>*> ptrs;
  for (auto& r : requests)
    ptrs.push_back(&r);
  auto joined = concat_rows(ptrs);
  REQUIRE(joined.size() == 2);
  CHECK(joined[0].shape == std::vector<int64_t>{6, 2, 3});
  CHECK(joined[1].shape == std::vector<int64_t>{6});
  CHECK(joined[0].nbytes() == 36 * element_size(dt));
  // An identity model: each request gets back exactly what it sent.
  auto parts = split_rows(joined, rows);
  REQUIRE(parts);
  REQUIRE(parts->size() == 3);
  for (size_t j = 0; j < 3; ++j) {
    REQUIRE((*parts)[j].size() == 2);
    for (size_t i = 0; i < 2; ++i) {
      CHECK((*parts)[j][i].shape == requests[j][i].shape);
      CHECK(*(*parts)[j][i].bytes == *requests[j][i].bytes);
    }
  }
}

TEST_CASE("outputs that do not keep one row per input row do not split",
          "[batching]") {
  std::vector<int64_t> rows{1, 2};
  CHECK_FALSE(split_rows(one(dtype::f32, {4, 2}), rows));
  CHECK_FALSE(split_rows({counting(dtype::f32, {})}, rows));
  auto err = split_rows(one(dtype::f32, {2, 2}), rows).error();
  CHECK(err.code == errc::inference_failed);
  // A pooled output (one row in all) is refused, not divided.
  CHECK_FALSE(split_rows(one(dtype::f32, {1, 8}), rows));
  // Outputs of any dtype and inner shape split when the rows agree.
  auto ok = split_rows(one(dtype::i64, {3, 5}), rows);
  REQUIRE(ok);
  CHECK((*ok)[1][0].shape == std::vector<int64_t>{2, 5});
}

TEST_CASE("a batch runs when full or when its oldest has waited the delay",
          "[batching]") {
  const time_point t0 = time_point{} + 1000h;
  batch_policy policy{8, 2ms};
  CHECK(batch_due(8, policy, t0, t0));
  CHECK(batch_due(9, policy, t0, t0));
  CHECK_FALSE(batch_due(7, policy, t0, t0 + 1ms));
  CHECK(batch_due(1, policy, t0, t0 + 2ms));
  batch_policy eager{8, 0ms};
  CHECK(batch_due(1, eager, t0, t0));
}
