// A catalog path that never delivers its bytes (a FIFO nobody writes, as a
// stalled mount behaves): its load fails with load_timeout while other
// models keep serving, and a forced unload cancels such a load at once.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/actor_system.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/manager_error.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// Once started, keeps opening and closing the write end of a FIFO, so
/// every reader blocked on it gets end-of-file: the abandoned loads end and
/// the actor system can shut down.
class fifo_unblocker {
public:
  ~fifo_unblocker() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }

  void start(std::string path) {
    thread_ = std::thread{[this, path] {
      while (!stop_) {
        auto fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0)
          ::close(fd);
        std::this_thread::sleep_for(5ms);
      }
    }};
  }

private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct stalled_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    return cfg;
  }

  stalled_fixture() {
    model_blueprint bp;
    bp.width = 16;
    bp.hidden = 32;
    bp.vocab = 50;
    write_model(dir.file("good.pt"), bp);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    manager_config cfg;
    cfg.dtype = "fp32";
    cfg.models["good"] = {"good", dir.file("good.pt"), "base", "", ""};
    cfg.models["fifo"] = {"fifo", fifo, "base", "", ""};
    cfg.models["fifo"].load_timeout = 300ms;
    cfg.models["held"] = {"held", fifo, "base", "", ""};
    manager =
        std::make_unique<model_manager>(sys, cfg, make_default_backend(cfg));
    client = std::make_unique<blocking_client>(sys, 10s);
  }

  ~stalled_fixture() {
    unblocker.start(fifo);
    client.reset();
    manager.reset();
  }

  test::temp_directory dir;
  std::string fifo = dir.file("stalled.pt");
  // Declared before the actor system: it runs until the system has ended.
  fifo_unblocker unblocker;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{prepare(sys_cfg)};
  std::unique_ptr<model_manager> manager;
  std::unique_ptr<blocking_client> client;
};

} // namespace

TEST_CASE_METHOD(stalled_fixture,
                 "a FIFO in the catalog fails with load_timeout while other "
                 "models keep serving",
                 "[real][load_timeout]") {
  try {
    client->acquire(model_spec::by_id("fifo"));
    FAIL("a FIFO nobody writes was loaded");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::load_timeout);
    CHECK_THAT(err.reason().message, Catch::Contains("stalled.pt"));
  }
  CHECK(client->get_model_info("fifo")->state == "failed");
  auto held = client->acquire(model_spec::by_id("good"));
  std::vector<float> values(16, 0.5f);
  auto out = client->infer(
      held.get(), {make_tensor_from_floats(dtype::f32, {1, 16}, values)});
  CHECK(out.size() == 1);
}

TEST_CASE_METHOD(stalled_fixture,
                 "a forced unload cancels a load stuck on a FIFO",
                 "[real][load_timeout]") {
  auto waiter = std::async(std::launch::async, [this] {
    blocking_client other{sys, 10s};
    try {
      other.acquire(model_spec::by_id("held"));
      return errc::none;
    } catch (const manager_error& err) {
      return err.code();
    }
  });
  for (int i = 0; i < 500; ++i) {
    if (client->get_model_info("held")->state == "loading")
      break;
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE(client->get_model_info("held")->state == "loading");
  CHECK(client->unload_model("held", true));
  CHECK(waiter.get() == errc::model_unloaded);
  CHECK(client->get_model_info("held")->state == "absent");
  CHECK(static_cast<bool>(client->acquire(model_spec::by_id("good"))));
}
