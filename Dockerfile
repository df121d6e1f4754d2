# syntax=docker/dockerfile:1
# The geniusrise image: the command and every built-in task, run as a non-root user on a JRE.
# Build:  docker build -t ghcr.io/acme/geniusrise:0.1.0 .
# Run:    docker run --rm ghcr.io/acme/geniusrise:0.1.0 run /etc/geniusrise/pipeline.yaml --task NAME
# (Not built in this repository's CI: the build machines have no Docker engine. See docs/deploy.md.)

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# the Maven repository is a BuildKit cache, kept between builds
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests -pl geniusrise-cli -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 geniusrise \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/geniusrise --create-home geniusrise
COPY --from=build /src/geniusrise-cli/target/lib/ /opt/geniusrise/lib/
COPY --from=build /src/geniusrise-cli/target/geniusrise.jar /opt/geniusrise/geniusrise.jar
# numeric, so Kubernetes can check runAsNonRoot
USER 10001:10001
WORKDIR /home/geniusrise
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/geniusrise/geniusrise.jar"]
CMD ["--help"]
