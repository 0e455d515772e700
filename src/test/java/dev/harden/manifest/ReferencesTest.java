package dev.harden.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReferencesTest {
    private static Set<String> dangling(String text) throws Exception {
        return References.dangling(YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT), List.of());
    }

    @Test
    void aContainerMountOfAVolumeThePodDoesNotDefineIsDangling() throws Exception {
        assertThat(dangling("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                    - name: app
                      image: a:1
                      volumeMounts:
                        - {name: data, mountPath: /data}
                        - {name: tmp, mountPath: /tmp}
                  volumes:
                    - {name: data, emptyDir: {}}
                """)).containsExactly("Pod/p/app mounts volume 'tmp', which the pod does not define");
    }

    @Test
    void composeNamedVolumesAndNetworksMustBeDeclaredButBindMountsAndTheDefaultNetworkNeedNothing() throws Exception {
        assertThat(dangling("""
                services:
                  web:
                    image: a:1
                    volumes:
                      - data:/data
                      - ./conf:/conf
                      - /srv:/srv
                      - cache:/cache
                      - {type: bind, source: logs, target: /logs}
                    networks: [default, front, back]
                volumes:
                  data: {}
                networks:
                  front: {}
                """)).containsExactly("service web uses volume 'cache', which the file does not define",
                "service web joins network 'back', which the file does not define");
    }
}
