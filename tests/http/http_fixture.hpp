#pragma once

// A cmm-node with both HTTP sides open, HTTP requests made with the curl
// program, and a CAF client connected to the same node, so that a test can
// compare what both interfaces answer. The catalog: `echo`, a simulated
// fp32 model that returns its inputs; `tiny`, a generated TorchScript MLP
// (width 16); `two`, a generated model with two inputs and two outputs;
// `absent`, a catalog entry whose file does not exist; `pinned`, a pinned
// simulated model that takes a moment to load.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../temp_directory.hpp"
#include "cmm/actor_types.hpp"
#include "support/client_system.hpp"
#include "support/node_process.hpp"

namespace cmm::test {

/// What curl received: the status, the headers (names in lower case) and
/// the body.
struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// One request made with curl.
struct http_request {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;
  /// A POST with no body at all (no Content-Length), as `curl -X POST`
  /// sends it.
  bool bare = false;
  /// Extra curl arguments (e.g. `--cacert FILE`).
  std::vector<std::string> curl_args;
};

/// Runs curl for `req`; throws `std::runtime_error` when curl itself fails
/// (no connection), with its message.
http_reply curl(const temp_directory& dir, const http_request& req);

/// Whether a `curl` program is on the PATH.
bool have_curl();

/// The catalog described above, with generated models written into `dir`.
node_options http_catalog(const temp_directory& dir);

struct http_fixture {
  /// A node serving `http_catalog(dir)` as `adjust` changes it.
  explicit http_fixture(const std::function<void(node_options&)>& adjust);
  /// A node serving `http_catalog(dir)`.
  http_fixture();

  /// `http://127.0.0.1:PORT` of the client or operator side.
  std::string base(bool operator_side = false) const;

  http_reply get(const std::string& path, bool operator_side = false);
  http_reply post(const std::string& path, const std::string& body,
                  std::vector<std::string> headers = {},
                  bool operator_side = false);

  /// Scrapes `/metrics` and returns every sample by its series text
  /// (`name{labels}`), checking the exposition's form on the way.
  std::map<std::string, double> scrape();

  temp_directory dir;
  std::unique_ptr<node_process> node;
  client_system client;
  client_actor endpoint;

private:
  void start(const node_options& options);
};

/// A JSON infer request of `INPUT__0` in FP32 with these values.
std::string fp32_request(const std::vector<int64_t>& shape,
                         const std::vector<float>& values);

/// Checks a Prometheus text exposition: every sample belongs to a family
/// with `# HELP` and `# TYPE` lines, histogram buckets are cumulative and
/// end in `+Inf` equal to `_count`. Returns the samples.
std::map<std::string, double> parse_exposition(const std::string& text);

} // namespace cmm::test
