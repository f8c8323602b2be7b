#pragma once

// What the HTTP front's server setup (http_front.cpp) and its routes
// (http_routes.cpp) share.

#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "cmm/blocking_client.hpp"
#include "cmm/failure.hpp"
#include "cmm/http_front.hpp"

namespace cmm {

struct http_front::impl {
  std::unique_ptr<httplib::Server> server;
  std::thread listener;
  uint16_t port = 0;
  std::unique_ptr<blocking_client> manager;
  manager_metrics_ptr metrics;
  std::shared_ptr<const node_status> status;
  http_settings settings;
  bool operator_side = false;

  /// Installs every route of this side.
  void add_routes();

  /// `POST /v2/models/{id}/infer`: decodes, acquires, runs, releases,
  /// encodes.
  void infer(const std::string& id, const httplib::Request& req,
             httplib::Response& res);

  /// `{"error": ...}` with the status that fits the failure, and
  /// `Retry-After` where a failed load's record says when it is retried.
  static void answer_failure(httplib::Response& res, const failure& why);

  static void answer_error(httplib::Response& res, int status,
                           const std::string& message);
};

} // namespace cmm
