#include "cmm/budget_ledger.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

constexpr uint64_t max_bytes = std::numeric_limits<uint64_t>::max();

/// The counters of one budget, for stating a case's before and after.
struct counts {
  uint64_t used = 0;
  uint64_t reserved = 0;
  uint64_t releasing = 0;
  uint32_t resident = 0;
};

bool operator==(const counts& x, const device_budget& y) {
  return x.used == y.used && x.reserved == y.reserved &&
         x.releasing == y.releasing && x.resident == y.resident;
}

using transition = std::function<std::optional<failure>(budget_ledger&)>;

/// Brings `dev`'s budget to `c` through the ledger's own transitions.
void fill(budget_ledger& ledger, const std::string& dev, const counts& c) {
  for (uint32_t i = 0; i < c.resident; ++i) {
    auto share = i + 1 == c.resident ? c.used - c.used / c.resident * i
                                     : c.used / c.resident;
    REQUIRE_FALSE(ledger.reserve(dev, share));
    REQUIRE_FALSE(ledger.commit(dev, share, share));
  }
  if (c.releasing > 0)
    REQUIRE_FALSE(ledger.begin_release(dev, c.releasing));
  REQUIRE_FALSE(ledger.reserve(dev, c.reserved));
  REQUIRE(c == *ledger.find(dev));
}

struct one_device_case {
  const char* what;
  counts before;
  transition step;
  /// The counts after a legal step; none when the step must be refused.
  std::optional<counts> after;
};

} // namespace

TEST_CASE("each transition moves the counts it names, or refuses and keeps "
          "them all",
          "[budget_ledger]") {
  const std::string d = "sim:0";
  auto c = GENERATE_COPY(values<one_device_case>({
      {"reserve",
       {},
       [=](auto& l) { return l.reserve(d, 300); },
       counts{0, 300, 0, 0}},
      {"reserve adds to earlier reservations",
       {0, 200, 0, 0},
       [=](auto& l) { return l.reserve(d, 300); },
       counts{0, 500, 0, 0}},
      {"reserve past the range of a count",
       {0, max_bytes, 0, 0},
       [=](auto& l) { return l.reserve(d, 1); },
       std::nullopt},
      {"commit the measured size",
       {0, 300, 0, 0},
       [=](auto& l) { return l.commit(d, 300, 250); },
       counts{250, 0, 0, 1}},
      {"commit more than reserved",
       {0, 300, 0, 0},
       [=](auto& l) { return l.commit(d, 301, 250); },
       std::nullopt},
      {"commit with nothing reserved",
       {},
       [=](auto& l) { return l.commit(d, 1, 1); },
       std::nullopt},
      {"cancel",
       {0, 300, 0, 0},
       [=](auto& l) { return l.cancel(d, 300); },
       counts{}},
      {"cancel more than reserved",
       {0, 300, 0, 0},
       [=](auto& l) { return l.cancel(d, 400); },
       std::nullopt},
      {"abandon a reservation: a resident model on its way out",
       {500, 300, 100, 2},
       [=](auto& l) { return l.abandon(d, 300); },
       counts{800, 0, 400, 3}},
      {"abandon more than reserved",
       {0, 300, 0, 0},
       [=](auto& l) { return l.abandon(d, 301); },
       std::nullopt},
      {"abandon past the range of a count",
       {max_bytes, 1, 0, 1},
       [=](auto& l) { return l.abandon(d, 1); },
       std::nullopt},
      {"abandon on a device without a budget",
       {0, 300, 0, 0},
       [=](auto& l) { return l.abandon("sim:9", 0); },
       std::nullopt},
      {"resize a resident model",
       {500, 100, 0, 2},
       [=](auto& l) { return l.resize(d, 200, 400); },
       counts{700, 100, 0, 2}},
      {"resize more than is used and not releasing",
       {500, 0, 400, 2},
       [=](auto& l) { return l.resize(d, 200, 100); },
       std::nullopt},
      {"resize with nothing resident",
       {},
       [=](auto& l) { return l.resize(d, 0, 10); },
       std::nullopt},
      {"resize to every byte there is",
       {10, 0, 0, 1},
       [=](auto& l) { return l.resize(d, 10, max_bytes); },
       counts{max_bytes, 0, 0, 1}},
      {"resize past the range of a count",
       {20, 0, 0, 2},
       [=](auto& l) { return l.resize(d, 10, max_bytes); },
       std::nullopt},
      {"begin release",
       {500, 0, 0, 2},
       [=](auto& l) { return l.begin_release(d, 200); },
       counts{500, 0, 200, 2}},
      {"begin release of every used byte",
       {500, 0, 300, 2},
       [=](auto& l) { return l.begin_release(d, 200); },
       counts{500, 0, 500, 2}},
      {"begin release of more than is used",
       {500, 0, 300, 2},
       [=](auto& l) { return l.begin_release(d, 201); },
       std::nullopt},
      {"begin release with nothing resident",
       {},
       [=](auto& l) { return l.begin_release(d, 0); },
       std::nullopt},
      {"finish release",
       {500, 0, 200, 2},
       [=](auto& l) { return l.finish_release(d, 200); },
       counts{300, 0, 0, 1}},
      {"finish release never begun",
       {500, 0, 0, 2},
       [=](auto& l) { return l.finish_release(d, 200); },
       std::nullopt},
      {"finish release of more than was begun",
       {500, 0, 200, 2},
       [=](auto& l) { return l.finish_release(d, 300); },
       std::nullopt},
      {"reserve on a device without a budget",
       {},
       [=](auto& l) { return l.reserve("sim:9", 1); },
       std::nullopt},
      {"commit on a device without a budget",
       {0, 300, 0, 0},
       [=](auto& l) { return l.commit("sim:9", 0, 0); },
       std::nullopt},
      {"cancel on a device without a budget",
       {},
       [=](auto& l) { return l.cancel("sim:9", 0); },
       std::nullopt},
      {"begin release on a device without a budget",
       {500, 0, 0, 1},
       [=](auto& l) { return l.begin_release("sim:9", 0); },
       std::nullopt},
      {"finish release on a device without a budget",
       {500, 0, 500, 1},
       [=](auto& l) { return l.finish_release("sim:9", 0); },
       std::nullopt},
  }));
  CAPTURE(c.what);
  budget_ledger ledger;
  ledger.open(d, 1000);
  fill(ledger, d, c.before);
  auto err = c.step(ledger);
  if (c.after) {
    CHECK_FALSE(err);
    CHECK(*c.after == *ledger.find(d));
  } else {
    REQUIRE(err);
    CHECK(err->code == errc::accounting_error);
    CHECK(c.before == *ledger.find(d));
  }
  CHECK(ledger.find(d)->capacity == 1000);
  CHECK(ledger.find("sim:9") == nullptr);
}

namespace {

struct move_case {
  const char* what;
  counts from_before;
  counts to_before;
  uint64_t bytes;
  uint64_t reserved;
  uint64_t moved;
  /// Both budgets after a legal move; none when it must be refused.
  std::optional<std::pair<counts, counts>> after;
};

} // namespace

TEST_CASE("move takes a model off one device and onto another, or neither",
          "[budget_ledger]") {
  auto c = GENERATE(values<move_case>({
      {"the same size",
       {600, 0, 0, 1},
       {0, 600, 0, 0},
       600,
       600,
       600,
       std::pair{counts{}, counts{600, 0, 0, 1}}},
      {"smaller on the target",
       {900, 0, 0, 2},
       {100, 600, 0, 1},
       600,
       600,
       450,
       std::pair{counts{300, 0, 0, 1}, counts{550, 0, 0, 2}}},
      {"more than the source uses",
       {500, 0, 0, 1},
       {0, 600, 0, 0},
       600,
       600,
       600,
       std::nullopt},
      {"nothing resident on the source",
       {},
       {0, 600, 0, 0},
       0,
       600,
       600,
       std::nullopt},
      {"more than the target reserved",
       {600, 0, 0, 1},
       {0, 500, 0, 0},
       600,
       600,
       600,
       std::nullopt},
  }));
  CAPTURE(c.what);
  budget_ledger ledger;
  ledger.open("sim:0", 1000);
  ledger.open("cpu", 1000);
  fill(ledger, "sim:0", c.from_before);
  fill(ledger, "cpu", c.to_before);
  auto err = ledger.move("sim:0", "cpu", c.bytes, c.reserved, c.moved);
  if (c.after) {
    CHECK_FALSE(err);
    CHECK(c.after->first == *ledger.find("sim:0"));
    CHECK(c.after->second == *ledger.find("cpu"));
  } else {
    REQUIRE(err);
    CHECK(err->code == errc::accounting_error);
    CHECK(c.from_before == *ledger.find("sim:0"));
    CHECK(c.to_before == *ledger.find("cpu"));
  }
}

TEST_CASE("move refuses a device without a budget and a move in place",
          "[budget_ledger]") {
  budget_ledger ledger;
  ledger.open("sim:0", 1000);
  REQUIRE_FALSE(ledger.reserve("sim:0", 100));
  REQUIRE_FALSE(ledger.commit("sim:0", 100, 100));
  auto before = *ledger.find("sim:0");
  for (auto [from, to] : {std::pair{"sim:0", "cpu"}, std::pair{"cpu", "sim:0"},
                          std::pair{"sim:0", "sim:0"}}) {
    CAPTURE(from, to);
    auto err = ledger.move(from, to, 100, 0, 100);
    REQUIRE(err);
    CHECK(err->code == errc::accounting_error);
  }
  CHECK(counts{before.used, before.reserved, before.releasing,
               before.resident} == *ledger.find("sim:0"));
}

TEST_CASE("open adds a budget once and keeps its capacity", "[budget_ledger]") {
  budget_ledger ledger;
  CHECK(ledger.find("sim:0") == nullptr);
  CHECK(ledger.open("sim:0", 1000).capacity == 1000);
  CHECK(ledger.open("sim:0", 5).capacity == 1000);
  CHECK(ledger.find("sim:0")->device == "sim:0");
  CHECK(ledger.budgets().size() == 1);
}

TEST_CASE("a load, its unload and a failed load leave the budget as it was",
          "[budget_ledger]") {
  budget_ledger ledger;
  ledger.open("sim:0", 1000);
  CHECK_FALSE(ledger.reserve("sim:0", 400));
  CHECK_FALSE(ledger.reserve("sim:0", 300));
  CHECK_FALSE(ledger.cancel("sim:0", 300));
  CHECK_FALSE(ledger.commit("sim:0", 400, 350));
  CHECK(ledger.find("sim:0")->free_bytes() == 650);
  CHECK_FALSE(ledger.begin_release("sim:0", 350));
  CHECK_FALSE(ledger.finish_release("sim:0", 350));
  CHECK(counts{} == *ledger.find("sim:0"));
  CHECK(ledger.find("sim:0")->free_bytes() == 1000);
}

TEST_CASE("an abandoned load holds its bytes until its release finishes",
          "[budget_ledger]") {
  budget_ledger ledger;
  ledger.open("sim:0", 1000);
  CHECK_FALSE(ledger.reserve("sim:0", 400));
  CHECK_FALSE(ledger.abandon("sim:0", 400));
  CHECK(ledger.find("sim:0")->free_bytes() == 600);
  CHECK_FALSE(ledger.finish_release("sim:0", 400));
  CHECK(counts{} == *ledger.find("sim:0"));
}
