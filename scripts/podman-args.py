#!/usr/bin/env python3
"""Reads one file `geniusrise generate --target k8s` wrote and prints, as bash assignments, how
podman runs its container exactly as the Job/Deployment would: the same args and env, the
ConfigMap's pipeline file mounted read-only where the pod mounts it, the user, a read-only root
filesystem with a tmpfs wherever the pod mounts an emptyDir, the memory limit, and the ports,
probes and grace period the check needs.

  podman-args.py FILE.yaml CONFIG_DIR [SECRET_NAME/KEY=VALUE ...]

CONFIG_DIR receives the ConfigMap's files; secretKeyRef values come from the arguments (a
Kubernetes Secret stands in for them). Output (eval it):
  RUN_ARGS=(...)        podman run options, without the image (RUN_SHOWN: the same, secrets hidden)
  CMD_ARGS=(...)        the container's args
  IMAGE=... HEALTH_PORT=... LISTEN_PORT=... GRACE=... LIVENESS=... READINESS=... PORTS=(...)
"""
import shlex
import sys

import yaml


def fail(message):
    print(f"podman-args: {message}", file=sys.stderr)
    sys.exit(2)


def memory(quantity):
    """A Kubernetes memory quantity as podman's --memory value (bytes, k, m, g)."""
    units = {"Ki": "k", "Mi": "m", "Gi": "g", "K": "k", "M": "m", "G": "g"}
    for suffix, unit in units.items():
        if quantity.endswith(suffix):
            return quantity[: -len(suffix)] + unit
    return quantity


def main():
    if len(sys.argv) < 3:
        fail("usage: podman-args.py FILE.yaml CONFIG_DIR [SECRET_NAME/KEY=VALUE ...]")
    path, config_dir = sys.argv[1], sys.argv[2]
    secrets = dict(arg.split("=", 1) for arg in sys.argv[3:])
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    config_maps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    workloads = [d for d in docs if d["kind"] in ("Job", "Deployment", "CronJob")]
    if len(workloads) != 1:
        fail(f"{path}: expected one Job, Deployment or CronJob, found {len(workloads)}")
    workload = workloads[0]
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    pod_security = pod.get("securityContext", {})
    security = {**pod_security, **container.get("securityContext", {})}

    shown = []  # run, with secret values replaced by their reference, for the log
    run = ["--user", f'{security.get("runAsUser", 10001)}:{security.get("runAsGroup", security.get("runAsUser", 10001))}',
           "--read-only", "--security-opt", "no-new-privileges"]
    for capability in security.get("capabilities", {}).get("drop", []):
        run += ["--cap-drop", capability]
    if not security.get("readOnlyRootFilesystem", False):
        print(f"podman-args: note: {path} does not set readOnlyRootFilesystem; running read-only anyway",
              file=sys.stderr)
    tmpfs = set()
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "configMap" in volume:
            data = config_maps[volume["configMap"]["name"]]["data"]
            for name, text in data.items():
                with open(f"{config_dir}/{name}", "w", encoding="utf-8") as out:
                    out.write(text)
            run += ["-v", f"{config_dir}:{mount['mountPath']}:ro"]
        elif "emptyDir" in volume:
            tmpfs.add(mount["mountPath"])
        else:
            fail(f"{path}: volume {mount['name']} is neither a ConfigMap nor an emptyDir")
    tmpfs.add("/tmp")  # a read-only root needs a writable /tmp; the pod gets it from an emptyDir
    for mount_path in sorted(tmpfs):
        run += ["--tmpfs", f"{mount_path}:rw,mode=1777"]
    for variable in container.get("env", []):
        if "value" in variable:
            run += ["-e", f'{variable["name"]}={variable["value"]}']
        else:
            ref = variable["valueFrom"]["secretKeyRef"]
            key = f'{ref["name"]}/{ref["key"]}'
            if key not in secrets:
                fail(f"{path}: env {variable['name']} reads secret {key}; pass {key}=VALUE")
            run += ["-e", f'{variable["name"]}={secrets[key]}']
            shown.append(len(run) - 1)
    limits = container.get("resources", {}).get("limits", {})
    if "memory" in limits:
        run += ["--memory", memory(str(limits["memory"]))]
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    for port in sorted(set(ports.values())):
        run += ["-p", f"127.0.0.1::{port}"]

    probe_port = ports.get("http")
    liveness = container.get("livenessProbe", {}).get("httpGet", {})
    readiness = container.get("readinessProbe", {}).get("httpGet", {})
    for probe in (liveness, readiness):
        if probe:
            probe_port = ports.get(probe["port"], probe["port"])

    def out(name, value):
        print(f"{name}={shlex.quote(str(value))}")

    print("RUN_ARGS=(" + " ".join(shlex.quote(a) for a in run) + ")")
    masked = [a.split("=", 1)[0] + "=(secret)" if i in shown else a for i, a in enumerate(run)]
    out("RUN_SHOWN", " ".join(masked))
    print("CMD_ARGS=(" + " ".join(shlex.quote(str(a)) for a in container.get("args", [])) + ")")
    print("PORTS=(" + " ".join(str(p) for p in sorted(set(ports.values()))) + ")")
    out("IMAGE", container["image"])
    out("HEALTH_PORT", probe_port or "")
    out("LIVENESS", liveness.get("path", "/healthz"))
    out("READINESS", readiness.get("path", "/readyz"))
    out("LISTEN_PORT", ports.get("listen", ""))
    out("GRACE", pod.get("terminationGracePeriodSeconds", 30))
    out("WORKLOAD", workload["kind"])


main()
