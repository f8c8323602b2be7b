#include "cmm/watch_count.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

/// One step on actor `key`: what it does, what it must answer (whether
/// monitoring starts or stops) and the count after it.
struct step {
  enum op_t { add, remove, forget } op;
  int key;
  bool monitor_changes;
  uint32_t count_after;
};

} // namespace

TEST_CASE("watch_count monitors an actor once per run of reasons",
          "[watch_count]") {
  struct row {
    std::string name;
    std::vector<step> steps;
  };
  auto r = GENERATE(values<row>({
      {"one reason", {{step::add, 1, true, 1}, {step::remove, 1, true, 0}}},
      {"a lease holder that also waits as a caller",
       {{step::add, 1, true, 1},
        {step::add, 1, false, 2},
        {step::remove, 1, false, 1},
        {step::remove, 1, true, 0}}},
      {"two actors count apart",
       {{step::add, 1, true, 1},
        {step::add, 2, true, 1},
        {step::remove, 1, true, 0},
        {step::remove, 2, true, 0}}},
      {"an ending after the actor went down ends nothing",
       {{step::add, 1, true, 1},
        {step::add, 1, false, 2},
        {step::forget, 1, false, 0},
        {step::remove, 1, false, 0}}},
      {"watching again after a down starts monitoring again",
       {{step::add, 1, true, 1},
        {step::forget, 1, false, 0},
        {step::add, 1, true, 1}}},
      {"an ending with no reason ends nothing", {{step::remove, 3, false, 0}}},
  }));
  CAPTURE(r.name);
  watch_count<int> watches;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    auto& s = r.steps[i];
    CAPTURE(i);
    switch (s.op) {
    case step::add:
      CHECK(watches.add(s.key) == s.monitor_changes);
      break;
    case step::remove:
      CHECK(watches.remove(s.key) == s.monitor_changes);
      break;
    case step::forget:
      watches.forget(s.key);
      break;
    }
    CHECK(watches.count(s.key) == s.count_after);
  }
}
