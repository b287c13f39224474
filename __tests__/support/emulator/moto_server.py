"""moto's server on 127.0.0.1 for the apply tests, with moto's gaps mended.

Each mend names the gap it covers (in moto 5.2.1) and what AWS does (AWS's documentation wins
where moto disagrees), so it can go once moto grows. The server binds a free port, prints it on one line,
and stops when its standard input closes (the test process ended, however it ended).
"""

import hashlib
import io
import json
import logging
import os
import random
import re
import string
import sys
import threading
import time
from datetime import datetime
from urllib.parse import parse_qs, unquote

# Mend: moto has AWS managed policies (AmazonAPIGatewayPushToCloudWatchLogs) only when asked to
# load them; in AWS they always exist.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
# Mend: moto issues a DNS-validated certificate 60 s after its request; AWS issues it once the
# validation record resolves, which in the emulator is at once.
os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"

from moto.apigateway import urls as apigateway_urls  # noqa: E402
from moto.apigateway.exceptions import DeploymentNotFoundException  # noqa: E402
from moto.apigateway.models import RestAPI  # noqa: E402
from moto.apigateway.responses import APIGatewayResponse  # noqa: E402
from moto.apigatewayv2 import urls as apigatewayv2_urls  # noqa: E402
from moto.apigatewayv2.exceptions import APIGatewayV2Error, BadRequestException  # noqa: E402
from moto.apigatewayv2.models import Api, DomainName, Stage  # noqa: E402
from moto.apigatewayv2.responses import ApiGatewayV2Response  # noqa: E402
from moto.core.responses import ActionResult  # noqa: E402
from moto.core.utils import iso_8601_datetime_without_milliseconds  # noqa: E402
from moto.route53.models import HostedZoneIdentifier  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402
from moto.stepfunctions.responses import StepFunctionResponse  # noqa: E402
from moto.wafv2.exceptions import WAFNonexistentItemException  # noqa: E402
from moto.wafv2.responses import WAFV2Response  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402


# API Gateway's regional hosted zones (AWS General Reference, "Amazon API Gateway endpoints and quotas").
API_GATEWAY_HOSTED_ZONES = {"us-east-1": "Z1UJRXOUMOOFQ8", "eu-west-1": "ZLY8HYME6SFDD", "eu-central-1": "Z1U9ULNL0V5AJ3"}


def random_id(length: int) -> str:
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(length))


def mend_step_functions() -> None:
    # Gap: ValidateStateMachineDefinition is not implemented (the provider calls it at plan).
    # AWS: result OK with no diagnostics for a valid definition, FAIL with diagnostics otherwise.
    def validate_state_machine_definition(self):
        try:
            json.loads(self._get_param("definition"))
        except ValueError as e:
            return ActionResult({"result": "FAIL", "diagnostics": [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "message": str(e)}]})
        return ActionResult({"result": "OK", "diagnostics": []})

    # Gap: ListStateMachineVersions is not implemented (the provider reads it after create).
    # AWS: the published versions of the state machine, newest first.
    def list_state_machine_versions(self):
        machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
        versions = sorted(machine.versions.values(), key=lambda v: v.version, reverse=True)
        return ActionResult({"stateMachineVersions": [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]})

    # Gap: a state machine's type is not kept (always STANDARD, so every plan replaces an
    # EXPRESS machine). AWS: DescribeStateMachine returns the type given at creation.
    create = StepFunctionResponse.create_state_machine

    def create_state_machine(self):
        result = create(self)
        machine = self.stepfunction_backend.describe_state_machine(result.result["stateMachineArn"])
        machine.type = self._get_param("type") or "STANDARD"
        return result

    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition
    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions
    StepFunctionResponse.create_state_machine = create_state_machine


def mend_api_gateway_v2() -> None:
    # Gap: deployments (Create/Get/GetDeployments/Update/DeleteDeployment) are not implemented.
    # AWS: a deployment is a snapshot of the API's routes that stages point at; it is DEPLOYED at
    # once, and it cannot be deleted while a stage points at it.
    base = "{0}/v2/apis/(?P<api_id>[^/]+)/deployments"
    for paths in (apigateway_urls.url_paths, apigatewayv2_urls.url_paths):
        paths[base + "$"] = ApiGatewayV2Response.dispatch
        paths[base + "/(?P<deployment_id>[^/]+)$"] = ApiGatewayV2Response.dispatch

    def deployments(self) -> dict:
        api = self.apigatewayv2_backend.get_api(self.path.split("/")[3])
        if not hasattr(api, "deployments"):
            api.deployments = {}
        return api.deployments

    def deployment(self) -> dict:
        found = deployments(self).get(self.path.split("/")[-1])
        if found is None:
            raise NotFound("Invalid deployment identifier specified")
        return found

    def create_deployment(self):
        params = json.loads(self.body or "{}")
        new = {
            "deploymentId": random_id(6),
            "deploymentStatus": "DEPLOYED",
            "autoDeployed": False,
            "createdDate": iso_8601_datetime_without_milliseconds(datetime.now()),
        }
        if params.get("description"):
            new["description"] = params["description"]
        deployments(self)[new["deploymentId"]] = new
        if params.get("stageName"):
            self.apigatewayv2_backend.get_stage(self.path.split("/")[3], params["stageName"]).config["deploymentId"] = new["deploymentId"]
        return 201, {}, json.dumps(new)

    def get_deployment(self):
        return 200, {}, json.dumps(deployment(self))

    def get_deployments(self):
        return 200, {}, json.dumps({"items": list(deployments(self).values())})

    def update_deployment(self):
        found = deployment(self)
        description = json.loads(self.body or "{}").get("description")
        if description is not None:
            found["description"] = description
        return 200, {}, json.dumps(found)

    def delete_deployment(self):
        found = deployment(self)
        api_id = self.path.split("/")[3]
        if any(s.config.get("deploymentId") == found["deploymentId"] for s in self.apigatewayv2_backend.get_stages(api_id)):
            raise BadRequestException("Active stages pointing to this deployment must be moved or deleted")
        del deployments(self)[found["deploymentId"]]
        return 204, {}, ""

    # Gap: UpdateStage is not implemented, and a stage's deploymentId is dropped from its
    # description. AWS: UpdateStage changes the fields it is given; GetStage returns deploymentId.
    def update_stage(self):
        api_id, name = self.path.split("/")[3], unquote(self.path.split("/")[-1])
        stage = self.apigatewayv2_backend.get_stage(api_id, name)
        created = stage.created
        stage.__init__(self.apigatewayv2_backend.get_api(api_id), {**stage.config, **json.loads(self.body or "{}"), "stageName": name})
        stage.created = created
        return 200, {}, json.dumps(stage.to_json())

    stage_to_json = Stage.to_json

    def stage_json(self) -> dict:
        result = stage_to_json(self)
        if self.config.get("deploymentId"):
            result["deploymentId"] = self.config["deploymentId"]
        return result

    Stage.to_json = stage_json

    # Gap: a domain name's configurations come back as given: no status, target name or hosted
    # zone (Terraform waits for AVAILABLE until it times out), and mutualTlsAuthentication empty
    # where none was given. AWS: each configuration has domainNameStatus AVAILABLE (once its
    # certificate is), apiGatewayDomainName d-<id>.execute-api.<region>.amazonaws.com and the
    # region's API Gateway hosted zone; mutualTlsAuthentication only when configured.
    domain_init = DomainName.__init__

    def domain_name_init(self, domain_name, domain_name_configurations, mutual_tls_authentication, tags, backend) -> None:
        domain_init(self, domain_name, domain_name_configurations, mutual_tls_authentication, tags, backend)
        region = backend.region_name
        for configuration in self.domain_name_configurations:
            configuration.setdefault("domainNameStatus", "AVAILABLE")
            configuration.setdefault("apiGatewayDomainName", f"d-{random_id(10)}.execute-api.{region}.amazonaws.com")
            configuration.setdefault("hostedZoneId", API_GATEWAY_HOSTED_ZONES.get(region, "Z1UJRXOUMOOFQ8"))

    domain_to_json = DomainName.to_json

    def domain_name_json(self) -> dict:
        result = domain_to_json(self)
        if not result["mutualTlsAuthentication"]:
            del result["mutualTlsAuthentication"]
        return result

    # Gap: CreateRoute makes a second route with a key the API has already. AWS: 409
    # ConflictException "Route with key <key> already exists for this API" (an interrupted apply
    # that left a route behind is told so on the next apply, which the fault tests rely on).
    create_route = Api.create_route

    def create_route_once(self, *args, **kwargs):
        key = kwargs.get("route_key")
        if any(route.route_key == key for route in self.routes.values()):
            raise Conflict(f"Route with key {key} already exists for this API")
        return create_route(self, *args, **kwargs)

    Api.create_route = create_route_once
    DomainName.__init__ = domain_name_init
    DomainName.to_json = domain_name_json
    for method in (create_deployment, get_deployment, get_deployments, update_deployment, delete_deployment, update_stage):
        setattr(ApiGatewayV2Response, method.__name__, method)


class NotFound(APIGatewayV2Error):
    code = 404

    def __init__(self, message: str) -> None:
        super().__init__("NotFoundException", message)

    # Gap: GetModels is not implemented (GET /v2/apis/{apiId}/models answers 500; the provider
    # reads each model by id, the tests list them). AWS: the API's models, as GetModel returns each,
    # under "items".
    def get_models(self):
        api = self.apigatewayv2_backend.get_api(self.path.split("/")[3])
        return 200, {}, json.dumps({"items": [model.to_json() for model in api.models.values()]})

    ApiGatewayV2Response.get_models = get_models

class Conflict(APIGatewayV2Error):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ConflictException", message)



def mend_api_gateway() -> None:
    # Gap: UpdateIntegration is not implemented (a PATCH of a method's integration answers 500), so
    # a changed mapping template cannot be applied. AWS: JSON patch operations on the integration's
    # fields, a map entry's key escaped as in JSON Pointer ("application~1json"); answers the integration.
    fields = {
        "requestTemplates": "request_templates",
        "requestParameters": "request_parameters",
        "uri": "uri",
        "credentials": "credentials",
        "passthroughBehavior": "passthrough_behaviour",
        "timeoutInMillis": "timeout_in_millis",
        "contentHandling": "content_handling",
        "cacheNamespace": "cache_namespace",
        "connectionType": "connection_type",
        "httpMethod": "http_method",
    }

    def update_integration(self):
        _, _, api_id, _, resource_id, _, method = self.path.split("/")[:7]
        integration = self.backend.get_integration(api_id, resource_id, method)
        for op in self._get_param("patchOperations") or []:
            field, *key = [part.replace("~1", "/").replace("~0", "~") for part in op["path"].strip("/").split("/")]
            if field not in fields:
                raise NotImplementedError(f"UpdateIntegration of {op['path']}")
            attribute = fields[field]
            if key:
                entries = dict(getattr(integration, attribute) or {})
                if op["op"] == "remove":
                    entries.pop(key[0], None)
                else:
                    entries[key[0]] = op["value"]
                setattr(integration, attribute, entries)
            else:
                setattr(integration, attribute, None if op["op"] == "remove" else op["value"])
        return json.dumps(integration.to_json())

    APIGatewayResponse.update_integration = update_integration

    # Gap: GetDeployment of a deployment that is gone answers 500 (a KeyError), which the provider
    # retries for many minutes. AWS: 404 NotFoundException "Invalid Deployment identifier specified".
    def get_deployment(self, deployment_id: str):
        if deployment_id not in self.deployments:
            raise DeploymentNotFoundException()
        return self.deployments[deployment_id]

    RestAPI.get_deployment = get_deployment

def mend_route53() -> None:
    # Gap: a new hosted zone's id is 22 random letters and digits. AWS: ids start with Z (as in
    # every example of the Route 53 API Reference, Z1D633PJN98FT9), which STEPGATE_HOSTED_ZONE_ID
    # checks.
    generate = HostedZoneIdentifier.generate
    HostedZoneIdentifier.generate = lambda self, existing_ids=None, tags=None: "Z" + generate(self, existing_ids, tags)[1:]


def mend_wafv2() -> None:
    # Gap: ListResourcesForWebACL is not implemented (the tests list what a web ACL protects).
    # AWS: the ARNs of the resources of ResourceType (APPLICATION_LOAD_BALANCER when not given)
    # associated with the web ACL.
    services = {"APPLICATION_LOAD_BALANCER": "elasticloadbalancing", "API_GATEWAY": "apigateway", "APPSYNC": "appsync", "COGNITO_USER_POOL": "cognito-idp"}

    def list_resources_for_web_acl(self):
        body = json.loads(self.body)
        acl = self.wafv2_backend.wacls.get(body["WebACLArn"])
        if acl is None:
            raise WAFNonexistentItemException
        service = services.get(body.get("ResourceType", "APPLICATION_LOAD_BALANCER"))
        arns = [arn for arn in acl.associated_resources if arn.split(":")[2] == service]
        return 200, {}, json.dumps({"ResourceArns": arns})

    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl


class Faults:
    """What a test asks of the server itself, under /_stepgate/ (no AWS API has that path).

    GET /_stepgate/requests: every request answered so far, in order, as JSON ({"service",
    "operation", "method", "path", "status", "ms", "digest"}): what a test counts (throttled
    answers), and the evidence when a call seems to have been made twice (the same digest).
    POST /_stepgate/throttle {"every": n}: from now on, every n-th write (POST, PUT, PATCH, DELETE)
    to API Gateway's management API (v1 and v2, both signed as "apigateway") is answered as API
    Gateway answers a caller over its quota: HTTP 429, TooManyRequestsException ("API Gateway
    quotas": about ten requests a second per account). The same request (method, path, body) is
    throttled once at most, so its retry passes; {"every": 0} stops.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.requests: list = []
        self.every = 0
        self.writes = 0
        self.throttled: set = set()
        # TEST_EMULATOR_REQUEST_LOG=<folder>: every request also written there, a JSON line each
        # (emulator-<pid>.jsonl), to read after a run, whatever its end.
        # The folder is made if it is not there yet.
        folder = os.environ.get("TEST_EMULATOR_REQUEST_LOG")
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.log = open(os.path.join(folder, f"emulator-{os.getpid()}.jsonl"), "a") if folder else None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_stepgate/"):
            return self.control(environ, start_response, path)
        # Read whole for its digest, then given to moto as if unread (a body without a length, a
        # chunked one, is left to moto and not in the digest).
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if length:
            environ["wsgi.input"] = io.BytesIO(body)
        method = environ["REQUEST_METHOD"]
        service = (re.search(r"Credential=[^/]*/[^/]*/[^/]*/([^/]*)/", environ.get("HTTP_AUTHORIZATION", "")) or [None, ""])[1]
        record = {
            "service": service,
            "operation": operation(environ, body),
            "method": method,
            "path": path,
            "digest": hashlib.sha1(method.encode() + path.encode() + b"?" + environ.get("QUERY_STRING", "").encode() + b"\n" + body).hexdigest(),
        }
        started = time.monotonic()
        answered = {}

        def respond(status, headers, exc_info=None):
            answered["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        if self.throttles(service, method, record["digest"]):
            result = throttled(respond)
        else:
            result = self.app(environ, respond)
        record = {**record, "status": answered.get("status"), "ms": round((time.monotonic() - started) * 1000)}
        return self.answer(result, record)

    def answer(self, result, record):
        """The answer's body, as the server writes it; the request recorded once the server has
        written it all ("written": true) or has failed to (false: the client gone first)."""
        written = False
        try:
            yield from result
            written = True
        finally:
            if hasattr(result, "close"):
                result.close()
            self.record({**record, "written": written})

    def record(self, record) -> None:
        with self.lock:
            self.requests.append(record)
            if self.log:
                self.log.write(json.dumps({"at": round(time.time(), 3), **record}) + "\n")
                self.log.flush()

    def throttles(self, service: str, method: str, digest: str) -> bool:
        if service != "apigateway" or method not in ("POST", "PUT", "PATCH", "DELETE"):
            return False
        with self.lock:
            if not self.every:
                return False
            self.writes += 1
            if self.writes % self.every or digest in self.throttled:
                return False
            self.throttled.add(digest)
            return True

    def control(self, environ, start_response, path: str):
        if path == "/_stepgate/throttle" and environ["REQUEST_METHOD"] == "POST":
            every = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}").get("every", 0)
            with self.lock:
                self.every, self.writes = int(every), 0
                self.throttled.clear()
            answer = {"every": self.every}
        elif path == "/_stepgate/requests":
            with self.lock:
                answer = list(self.requests)
        else:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b"{}"]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]


def operation(environ, body: bytes) -> str:
    """The AWS operation a request calls: the JSON protocols' X-Amz-Target, the query protocols' Action, else nothing (REST: method and path say it)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.split(".")[-1]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    return ""


def throttled(start_response):
    # As API Gateway answers over its quota (API Reference, "Common Errors": TooManyRequestsException, 429).
    start_response("429 Too Many Requests", [("Content-Type", "application/json"), ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "1")])
    return [json.dumps({"message": "Too Many Requests"}).encode()]


def main() -> None:
    mend_step_functions()
    mend_api_gateway()
    mend_api_gateway_v2()
    mend_route53()
    mend_wafv2()
    # Tracebacks only, not a line per request.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    faults = Faults(DomainDispatcherApplication(create_backend_app))

    # werkzeug says nothing of a client gone before its answer was written; the tests' failure
    # messages show this line (and the request's "written": false in the request log).
    def connection_dropped(handler, error, environ=None) -> None:
        where = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}" if environ else "before a request"
        print(f"ConnectionDropped: {where}: {error!r}", file=sys.stderr, flush=True)

    WSGIRequestHandler.connection_dropped = connection_dropped
    # Gap (werkzeug's server, not moto): each answer goes out in two writes, the status line and
    # headers, then the body, on a socket with Nagle's algorithm on, so under load the body can
    # reach the client tens of milliseconds after the headers. The AWS provider's HTTP client
    # (Go's, under aws-sdk-go-v2) at times closed the connection in that gap, after reading the
    # headers and before the body, and its SDK sent the call again, which the emulator had
    # already done: a create retried so is answered "already exists" (the KMS alias flake,
    # CONTRIBUTING). AWS's endpoints answer over TLS, the headers and a small body in one record.
    # Mend: every answer written whole, in one send (a buffered writer, flushed once per answer),
    # with Nagle off, as Python's socketserver advises for a buffered writer.
    WSGIRequestHandler.wbufsize = -1
    WSGIRequestHandler.disable_nagle_algorithm = True
    server = make_server("127.0.0.1", 0, faults, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
