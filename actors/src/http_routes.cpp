// The HTTP front's routes: what each one asks of the manager and answers.

#include <functional>
#include <string>

#include "cmm/manager_error.hpp"
#include "cmm/model_spec.hpp"
#include "http_front_impl.hpp"

namespace cmm {

namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* json_type = "application/json";

/// An id's route part: `{id}`, optionally followed by version 1, the only
/// version a catalog entry has.
constexpr const char* model_route = R"(/v2/models/([^/]+)(?:/versions/1)?)";

/// Why `id` names no catalog entry a request may reach, if it does not:
/// the front serves catalog ids only, never files.
std::optional<std::string> check_id(const std::string& id) {
  if (id.empty() || id.size() > 256)
    return "a model id has 1 to 256 characters";
  if (id.front() == '.' || id.front() == '~' ||
      id.find_first_of("/\\") != std::string::npos)
    return "model ids name catalog entries, not files: '" + id + "'";
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f)
      return std::string{"a model id has no control characters"};
  return std::nullopt;
}

/// A route that takes an optional body: one with a content reader, which
/// httplib calls before it insists on a length, so that a bare
/// `curl -X POST` (no Content-Length) works as Triton's documentation uses
/// it. The body, capped at `limit` bytes, is read only when announced.
using body_handler =
    std::function<void(const Request&, Response&, const std::string& body)>;

httplib::Server::HandlerWithContentReader optional_body(size_t limit,
                                                        body_handler f) {
  return [limit, f](const Request& req, Response& res,
                    const httplib::ContentReader& read) {
    std::string body;
    bool fits = true;
    if (req.has_header("Content-Length") ||
        req.get_header_value("Transfer-Encoding") == "chunked")
      read([&](const char* data, size_t n) {
        fits = body.size() + n <= limit;
        if (fits)
          body.append(data, n);
        return fits;
      });
    if (!fits) {
      http_front::impl::answer_error(res, 413,
                                     "the request body is larger than this "
                                     "route takes");
      return;
    }
    f(req, res, body);
  };
}

/// The info of catalog entry `id`; none, answered with 404, for an id the
/// catalog does not have (an entry named by path is no catalog entry).
std::optional<model_info> catalog_info(blocking_client& manager,
                                       const std::string& id, Response& res) {
  auto info = manager.get_model_info(id);
  if (info && info->id == id)
    return info;
  http_front::impl::answer_error(
      res, 404, "no model '" + id + "' in this node's catalog");
  return std::nullopt;
}

/// Runs `f` for a checked id, answering the manager's failures.
template <class F> void with_model(const Request& req, Response& res, F f) {
  auto id = req.matches[1].str();
  if (auto why = check_id(id)) {
    http_front::impl::answer_error(res, 400, *why);
    return;
  }
  try {
    f(id);
  } catch (const manager_error& err) {
    http_front::impl::answer_failure(res, err.reason());
  }
}

} // namespace

void http_front::impl::add_routes() {
  auto& srv = *server;
  srv.Get("/metrics", [this](const Request&, Response& res) {
    res.set_content(metrics->render(),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  srv.Get("/v2/health/live",
          [](const Request&, Response& res) { res.status = 200; });
  srv.Get("/v2/health/ready", [this](const Request&, Response& res) {
    if (status->draining) {
      answer_error(res, 503, "this node is shutting down");
      return;
    }
    try {
      for (auto& m : manager->list_models())
        if (m.pinned && m.state != "ready") {
          answer_error(res, 503,
                       "pinned model '" + m.name + "' is " + m.state +
                           ", not ready yet");
          return;
        }
    } catch (const manager_error& err) {
      answer_failure(res, err.reason());
      return;
    }
    res.status = 200;
  });
  srv.Get("/v2", [this](const Request&, Response& res) {
    res.set_content(v2::server_metadata(settings.version, operator_side),
                    json_type);
  });
  srv.Get(model_route, [this](const Request& req, Response& res) {
    with_model(req, res, [&](const std::string& id) {
      if (auto info = catalog_info(*manager, id, res))
        res.set_content(v2::model_metadata(*info), json_type);
    });
  });
  srv.Get(std::string{model_route} + "/ready",
          [this](const Request& req, Response& res) {
            with_model(req, res, [&](const std::string& id) {
              auto info = catalog_info(*manager, id, res);
              if (info && info->state != "ready")
                answer_error(res, 400, "model '" + id + "' is " + info->state);
              else if (info)
                res.status = 200;
            });
          });
  srv.Post(std::string{model_route} + "/infer", [this](const Request& req,
                                                       Response& res) {
    with_model(req, res, [&](const std::string& id) { infer(id, req, res); });
  });
  auto repository = R"(/v2/repository/(index|models/([^/]+)/(load|unload)))";
  // An index request is a small JSON object at most.
  constexpr size_t small_body = 4096;
  if (!operator_side) {
    srv.Post(repository,
             optional_body(small_body, [](const Request&, Response& res,
                                          const std::string&) {
               answer_error(res, 403,
                            "the repository extension is served on the "
                            "operator side only (node.http-operator-port)");
             }));
    return;
  }
  srv.Post("/v2/repository/index",
           optional_body(small_body, [this](const Request&, Response& res,
                                            const std::string& body) {
             auto ready_only = v2::parse_index_request(body);
             if (!ready_only) {
               answer_failure(res, ready_only.error());
               return;
             }
             try {
               res.set_content(
                   v2::repository_index(manager->list_models(), *ready_only),
                   json_type);
             } catch (const manager_error& err) {
               answer_failure(res, err.reason());
             }
           }));
  srv.Post(R"(/v2/repository/models/([^/]+)/load)",
           optional_body(small_body, [this](const Request& req, Response& res,
                                            const std::string&) {
             with_model(req, res, [&](const std::string& id) {
               manager->preload(model_spec::by_id(id));
               res.status = 200;
             });
           }));
  srv.Post(R"(/v2/repository/models/([^/]+)/unload)",
           optional_body(small_body, [this](const Request& req, Response& res,
                                            const std::string&) {
             with_model(req, res, [&](const std::string& id) {
               if (manager->unload_model(id, false)) {
                 res.status = 200;
                 return;
               }
               auto info = catalog_info(*manager, id, res);
               if (info && info->refs > 0)
                 answer_error(res, 409,
                              "model '" + id + "' holds " +
                                  std::to_string(info->refs) +
                                  " lease(s): it unloads once they are "
                                  "returned, or with cmm-ctl unload --force");
               else if (info)
                 res.status = 200;
             });
           }));
}

void http_front::impl::infer(const std::string& id, const Request& req,
                             Response& res) {
  std::optional<uint64_t> header_length;
  if (req.has_header("Inference-Header-Content-Length")) {
    header_length = v2::parse_header_length(
        req.get_header_value("Inference-Header-Content-Length"));
    if (!header_length) {
      answer_error(res, 400,
                   "Inference-Header-Content-Length must be a byte count");
      return;
    }
  }
  auto decoded =
      v2::decode_infer_request(req.body, header_length, settings.bounds);
  if (!decoded) {
    answer_failure(res, decoded.error());
    return;
  }
  // One request: the node's model actor answers, and returns the lease.
  auto outputs =
      manager->infer_once(model_spec::by_id(id), std::move(decoded->inputs));
  auto encoded = v2::encode_infer_response(id, *decoded, outputs);
  if (!encoded) {
    answer_failure(res, encoded.error());
    return;
  }
  if (encoded->header_length) {
    res.set_header("Inference-Header-Content-Length",
                   std::to_string(*encoded->header_length));
    res.set_content(encoded->body, "application/octet-stream");
  } else {
    res.set_content(encoded->body, json_type);
  }
}

} // namespace cmm
