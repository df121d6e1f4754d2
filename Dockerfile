# syntax=docker/dockerfile:1
# The geniusrise image: the command and every built-in task, run as a non-root user on a JRE.
#
#   docker build -t ghcr.io/acme/geniusrise:0.1.0 .
#   docker run --rm ghcr.io/acme/geniusrise:0.1.0 run /etc/geniusrise/pipeline.yaml --task NAME
#
# The default target builds the command from source (./mvnw in the JDK image). The target
# `prebuilt` takes the jars a host build already made instead (./mvnw package first):
#
#   docker build --target prebuilt -t geniusrise:dev .
#
# Base images are build arguments (JDK_IMAGE, JRE_IMAGE): scripts/container-base.sh makes local
# stand-ins where no registry is reachable. Logs: one line per event; GENIUSRISE_LOG_FORMAT=json
# for one JSON object per line.

ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
# the Maven repository is a cache, kept between builds
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q -DskipTests -pl geniusrise-cli -am package

FROM ${JRE_IMAGE} AS runtime
RUN groupadd --gid 10001 geniusrise \
 && useradd --uid 10001 --gid 10001 --home-dir /home/geniusrise --create-home geniusrise
# numeric, so Kubernetes can check runAsNonRoot
USER 10001:10001
WORKDIR /home/geniusrise
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/geniusrise/geniusrise.jar"]
CMD ["--help"]

FROM runtime AS prebuilt
COPY geniusrise-cli/target/lib/ /opt/geniusrise/lib/
COPY geniusrise-cli/target/geniusrise.jar /opt/geniusrise/geniusrise.jar

FROM runtime
COPY --from=build /src/geniusrise-cli/target/lib/ /opt/geniusrise/lib/
COPY --from=build /src/geniusrise-cli/target/geniusrise.jar /opt/geniusrise/geniusrise.jar
