#include "interruption.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace cmm::ctl {

namespace {

// The self-pipe the handler writes to; poll() in sleep_for wakes on it.
int wake_fds[2] = {-1, -1};
struct sigaction old_int;
struct sigaction old_term;

extern "C" void on_stop_signal(int) {
  int saved = errno;
  char byte = 1;
  [[maybe_unused]] auto n = write(wake_fds[1], &byte, 1);
  errno = saved;
}

} // namespace

interruption::interruption() {
  if (pipe(wake_fds) == 0) {
    for (int fd : wake_fds)
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  struct sigaction act {};
  act.sa_handler = on_stop_signal;
  sigemptyset(&act.sa_mask);
  sigaction(SIGINT, &act, &old_int);
  sigaction(SIGTERM, &act, &old_term);
}

interruption::~interruption() {
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  for (int& fd : wake_fds) {
    close(fd);
    fd = -1;
  }
}

bool interruption::sleep_for(std::chrono::milliseconds timeout) {
  if (interrupted_)
    return false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return true;
    pollfd wake{wake_fds[0], POLLIN, 0};
    auto slice = std::min<long long>(left.count(), 3'600'000);
    int rc = poll(&wake, 1, static_cast<int>(slice));
    if (rc > 0) {
      interrupted_ = true;
      return false;
    }
    // rc == 0: timed out (loop checks the deadline); rc < 0: EINTR.
  }
}

} // namespace cmm::ctl
