package io.cdcrelay.cli;

import picocli.CommandLine.Mixin;

/**
 * The target options of the commands that relay changes into a database: the database and the
 * relay's state in it ({@link ConnectionOptions}) and how changes are routed ({@link
 * RouteOptions}), but for the target table ({@link TargetOptions} adds {@code --table}).
 */
class RoutingOptions extends ConnectionOptions {

  @Mixin final RouteOptions routeOptions = new RouteOptions();

  RoutingOptions() {
    routes = routeOptions;
  }
}
