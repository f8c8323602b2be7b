#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <optional>
#include <thread>

#include <sys/wait.h>

#include <caf/event_based_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

// The nodes run with a 200 ms heartbeat and a 1 s connection timeout.

namespace {

using clock_type = std::chrono::steady_clock;

/// Polls the refs of `name` until they are `refs`; answers how long that
/// took, none if not within `limit`.
std::optional<std::chrono::milliseconds>
wait_for_refs(blocking_client& observer, const std::string& name, uint32_t refs,
              std::chrono::milliseconds limit) {
  auto start = clock_type::now();
  for (;;) {
    auto stats = observer.get_model_info(name);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        clock_type::now() - start);
    if (stats && stats->refs == refs)
      return elapsed;
    if (elapsed >= limit)
      return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

/// Acquires `id` without naming a holder, so that it holds the lease
/// itself, reports the refs it saw and quits without releasing.
void acquire_and_quit(caf::event_based_actor* self, client_actor sup,
                      std::string id,
                      std::shared_ptr<std::promise<uint32_t>> held) {
  self->request(sup, 11s, acquire_atom_v, model_spec::by_id(id), caf::actor{},
                caf::timespan{10s})
      .then(
          [=](const lease&) {
            self->request(sup, 10s, info_atom_v, id)
                .then([=](const model_info& stats) {
                  held->set_value(stats.refs);
                  self->quit();
                });
          },
          [=](caf::error&) {
            held->set_value(0);
            self->quit();
          });
}

/// The remote fixture's node, an observer of its leases, and a
/// cmm-remote-client process holding a lease on `echo32` until a line
/// arrives on its stdin.
struct holder_fixture : test::remote_fixture {
  holder_fixture() {
    auto line = holder.wait_for_line("holding", 15s);
    INFO(holder.out());
    REQUIRE(line);
    CHECK(observer.get_model_info("echo32")->refs == 1);
  }

  blocking_client observer{client.sys(), endpoint, 10s};
  test::child_process holder{client_command("echo32", "--client.hold")};
};

} // namespace

TEST_CASE_METHOD(holder_fixture,
                 "a client process that releases its lease leaves no "
                 "reference behind",
                 "[remote][lease]") {
  holder.write_input("release\n");
  auto done = holder.wait(10s);
  INFO(holder.out());
  REQUIRE(done);
  CHECK(WIFEXITED(done->status));
  CHECK(WEXITSTATUS(done->status) == 0);
  CHECK(done->out.find("released, 0 ref(s) left") != std::string::npos);
  CHECK(observer.get_model_info("echo32")->refs == 0);
}

TEST_CASE_METHOD(holder_fixture,
                 "a client process killed with SIGKILL while holding a lease "
                 "has it returned within the connection timeout",
                 "[remote][lease]") {
  holder.signal(SIGKILL);
  auto done = holder.wait(5s);
  REQUIRE(done);
  CHECK(WIFSIGNALED(done->status));
  auto returned = wait_for_refs(observer, "echo32", 0, 5s);
  REQUIRE(returned);
  std::printf("remote: refs of a SIGKILLed client back after %lld ms\n",
              static_cast<long long>(returned->count()));
  // Heartbeat 200 ms + connection timeout 1 s, with room for a slow machine.
  CHECK(*returned < 3s);
  auto again = observer.acquire(model_spec::by_id("echo32"));
  CHECK(observer.get_model_info("echo32")->refs == 1);
}

TEST_CASE_METHOD(holder_fixture,
                 "a frozen client process (SIGSTOP) loses its lease after "
                 "the connection timeout",
                 "[remote][lease]") {
  holder.signal(SIGSTOP);
  auto returned = wait_for_refs(observer, "echo32", 0, 5s);
  holder.signal(SIGKILL);
  REQUIRE(returned);
  std::printf("remote: refs of a SIGSTOPped client back after %lld ms\n",
              static_cast<long long>(returned->count()));
  // Its socket stays open: only the missing heartbeats can tell.
  CHECK(*returned >= 500ms);
  CHECK(*returned < 3s);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "a remote actor that quits holding a lease it acquired "
                 "without naming a holder has it returned",
                 "[remote][lease]") {
  blocking_client observer{client.sys(), endpoint, 10s};
  auto held = std::make_shared<std::promise<uint32_t>>();
  auto refs = held->get_future();
  client.sys().spawn(acquire_and_quit, endpoint, std::string{"echo32"}, held);
  REQUIRE(refs.wait_for(15s) == std::future_status::ready);
  REQUIRE(refs.get() == 1);
  auto returned = wait_for_refs(observer, "echo32", 0, 3s);
  CHECK(returned);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "a client process killed during its run has the run's "
                 "reference returned before the inference ends",
                 "[remote][lease][run]") {
  blocking_client observer{client.sys(), endpoint, 10s};
  { auto loaded = observer.acquire(model_spec::by_id("slowrun")); }
  REQUIRE(wait_for_refs(observer, "slowrun", 0, 5s));
  test::child_process runner{client_command("slowrun", "--client.run")};
  auto line = runner.wait_for_line("running", 15s);
  INFO(runner.out());
  REQUIRE(line);
  // The run is in the model actor, which takes 4 s for it.
  REQUIRE(wait_for_refs(observer, "slowrun", 1, 5s));
  runner.signal(SIGKILL);
  REQUIRE(runner.wait(5s));
  auto returned = wait_for_refs(observer, "slowrun", 0, 5s);
  REQUIRE(returned);
  CHECK(*returned < 3s);
  test::check_node_serves(*this);
}
