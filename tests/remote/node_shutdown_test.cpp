#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include <sys/wait.h>

#include "cmm/blocking_client.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// Acquires `id` until the node refuses; a lease granted before the node
/// took in the drain goes straight back. Answers the refusal's code.
errc first_refusal(blocking_client& remote, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      auto held = remote.acquire(model_spec::by_id(id));
      remote.release_model(held);
    } catch (const manager_error& err) {
      return err.code();
    }
    std::this_thread::sleep_for(20ms);
  }
  return errc::none;
}

bool exited_zero(const std::optional<test::process_result>& done) {
  return done && WIFEXITED(done->status) && WEXITSTATUS(done->status) == 0;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE_METHOD(test::remote_fixture,
                 "SIGTERM: the node refuses new acquires, waits for a held "
                 "lease, then exits 0",
                 "[remote][shutdown]") {
  blocking_client remote{client.sys(), endpoint, 10s};
  auto held = remote.acquire(model_spec::by_id("echo32"));
  auto& node_proc = node->process();
  node_proc.signal(SIGTERM);
  // No waiting for the node's "draining" line: it is flushed only at exit.
  CHECK(first_refusal(remote, "echobf16") == errc::shutting_down);
  CHECK(first_refusal(remote, "echo32") == errc::shutting_down);
  // Still serving the lease it granted.
  CHECK_FALSE(node_proc.wait(300ms));
  auto out = remote.infer(
      held.get(), {make_tensor_from_floats(dtype::f32, {1, 2}, {1.0f, 2.0f})});
  CHECK(out.size() == 1);
  CHECK(remote.release_model(held) == 0);
  auto done = node_proc.wait(10s);
  INFO(node_proc.out());
  CHECK(exited_zero(done));
  CHECK(contains(node_proc.out(), "all leases returned"));
  CHECK(contains(node_proc.out(), "cmm-node: stopped"));
}

TEST_CASE("SIGTERM: a lease never returned holds the node only until the "
          "drain timeout",
          "[remote][shutdown]") {
  test::temp_directory dir;
  auto options = test::remote_catalog(dir.file("absent.pt"));
  options.drain_timeout = "500ms";
  test::node_process node{dir, options};
  test::client_system client;
  auto supervisor = client.connect(node.port());
  REQUIRE(supervisor);
  blocking_client remote{client.sys(), *supervisor, 10s};
  auto held = remote.acquire(model_spec::by_id("echo32"));
  auto start = std::chrono::steady_clock::now();
  node.process().signal(SIGTERM);
  auto done = node.process().wait(10s);
  auto took = std::chrono::steady_clock::now() - start;
  INFO(node.process().out());
  CHECK(exited_zero(done));
  CHECK(took >= 500ms);
  CHECK(contains(node.process().out(), "drain timeout"));
  CHECK(contains(node.process().out(), "cmm-node: stopped"));
}
