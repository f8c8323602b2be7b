// cmm-bench-echo: the far end of the remote scenario's floor, a bare CAF
// remote round trip. Publishes an actor that answers every `ok` request at
// once on 127.0.0.1 (port 0: the kernel picks one), prints "listening on
// 127.0.0.1:PORT" and runs until SIGTERM or SIGINT.

#include <csignal>
#include <cstdio>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>

#include "echo_actor.hpp"

int main(int argc, char** argv) {
  // Blocked before CAF starts its threads, so that only `sigwait` sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-bench-echo: %s\n", cfg.render(err).c_str());
    return 2;
  }
  caf::actor_system sys{cfg};
  auto echo = sys.spawn<cmm::bench::echo_actor>();
  auto port = sys.middleman().publish(echo, 0, "127.0.0.1");
  if (!port) {
    std::fprintf(stderr, "cmm-bench-echo: %s\n",
                 sys.render(port.error()).c_str());
    caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  return 0;
}
