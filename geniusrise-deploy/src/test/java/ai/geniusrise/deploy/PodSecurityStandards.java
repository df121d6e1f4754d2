package ai.geniusrise.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Kubernetes Pod Security Standards, levels "baseline" and "restricted" (as the built-in
 * PodSecurity admission controller enforces them, Kubernetes 1.30+): what a pod spec violates.
 * Written from https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 */
final class PodSecurityStandards {

    private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE",
            "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
            "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES = Set.of("container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");

    private PodSecurityStandards() {
    }

    /** Every rule of "restricted" (which includes "baseline") that {@code pod} breaks, described. */
    static List<String> restrictedViolations(PodSpec pod) {
        List<String> v = new ArrayList<>();
        PodSecurityContext psc = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
        List<Container> containers = Stream.concat(pod.getContainers().stream(),
                pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream()).toList();
        // baseline
        if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC())) {
            v.add("host namespaces: hostNetwork, hostPID and hostIPC must be unset or false");
        }
        if (psc.getWindowsOptions() != null && Boolean.TRUE.equals(psc.getWindowsOptions().getHostProcess())) {
            v.add("HostProcess: pod windowsOptions.hostProcess must be unset or false");
        }
        if (psc.getSeLinuxOptions() != null) {
            selinux("pod", psc.getSeLinuxOptions(), v);
        }
        if (psc.getSysctls() != null) {
            psc.getSysctls().stream().filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
                    .forEach(s -> v.add("sysctls: '" + s.getName() + "' is not a safe sysctl"));
        }
        if (psc.getAppArmorProfile() != null && "Unconfined".equals(psc.getAppArmorProfile().getType())) {
            v.add("AppArmor: pod profile must not be Unconfined");
        }
        if (pod.getVolumes() != null) {
            for (Volume vol : pod.getVolumes()) {
                String type = volumeType(vol);
                if (!RESTRICTED_VOLUMES.contains(type)) {
                    v.add("volume types: volume '" + vol.getName() + "' is " + type + ", not one of " + RESTRICTED_VOLUMES);
                }
            }
        }
        boolean podSeccomp = allowedSeccomp(psc.getSeccompProfile());
        if (psc.getSeccompProfile() != null && !podSeccomp) {
            v.add("seccomp: pod seccompProfile.type must be RuntimeDefault or Localhost");
        }
        if (psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
            v.add("running as non-root user: pod runAsUser must not be 0");
        }
        for (Container c : containers) {
            String at = "container '" + c.getName() + "': ";
            SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                v.add(at + "privileged must be unset or false");
            }
            if (sc.getWindowsOptions() != null && Boolean.TRUE.equals(sc.getWindowsOptions().getHostProcess())) {
                v.add(at + "windowsOptions.hostProcess must be unset or false");
            }
            if (c.getPorts() != null && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null
                    && p.getHostPort() != 0)) {
                v.add(at + "host ports must be unset or 0");
            }
            if (sc.getSeLinuxOptions() != null) {
                selinux(at, sc.getSeLinuxOptions(), v);
            }
            if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
                v.add(at + "procMount must be unset or Default");
            }
            if (sc.getAppArmorProfile() != null && "Unconfined".equals(sc.getAppArmorProfile().getType())) {
                v.add(at + "AppArmor profile must not be Unconfined");
            }
            // restricted
            if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                v.add(at + "allowPrivilegeEscalation must be false");
            }
            boolean nonRoot = Boolean.TRUE.equals(sc.getRunAsNonRoot())
                    || sc.getRunAsNonRoot() == null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
            if (!nonRoot) {
                v.add(at + "runAsNonRoot must be true (on the container, or on the pod and not false on the container)");
            }
            if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                v.add(at + "runAsUser must not be 0");
            }
            if (sc.getSeccompProfile() != null ? !allowedSeccomp(sc.getSeccompProfile()) : !podSeccomp) {
                v.add(at + "seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)");
            }
            Capabilities caps = sc.getCapabilities();
            if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
                v.add(at + "capabilities.drop must include ALL");
            }
            if (caps != null && caps.getAdd() != null) {
                for (String add : caps.getAdd()) {
                    if (!add.equals("NET_BIND_SERVICE")) {
                        v.add(at + "capabilities.add may hold only NET_BIND_SERVICE, not " + add
                                + (BASELINE_CAPABILITIES.contains(add) ? "" : " (not even baseline allows it)"));
                    }
                }
            }
        }
        return v;
    }

    private static boolean allowedSeccomp(SeccompProfile p) {
        return p != null && ("RuntimeDefault".equals(p.getType()) || "Localhost".equals(p.getType()));
    }

    private static void selinux(String at, io.fabric8.kubernetes.api.model.SELinuxOptions o, List<String> v) {
        if (o.getType() != null && !SELINUX_TYPES.contains(o.getType()) || o.getUser() != null || o.getRole() != null) {
            v.add(at + " SELinux: type must be one of " + SELINUX_TYPES + ", user and role unset");
        }
    }

    private static String volumeType(Volume vol) {
        for (var m : Volume.class.getMethods()) {
            if (m.getName().startsWith("get") && m.getParameterCount() == 0 && !m.getName().equals("getName")
                    && !m.getName().equals("getAdditionalProperties") && !m.getName().equals("getClass")) {
                try {
                    if (m.invoke(vol) != null) {
                        String n = m.getName().substring(3);
                        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return "unknown";
    }
}
