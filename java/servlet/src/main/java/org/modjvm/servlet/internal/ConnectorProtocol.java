package org.modjvm.servlet.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.coyote.Adapter;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.UpgradeProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;

/**
 * The protocol handler of mod_jvm's Connector: no endpoint, no socket, no port. Requests do
 * not arrive through it; the runtime's request threads bring them ({@link RequestProcessor}),
 * already parsed by Apache. It exists because a Tomcat Connector needs one: Tomcat hands it
 * the adapter that leads into the engine.
 * (Not final: {@link BootConnectorProtocol}, the same connector in a Spring Boot application's
 * own Tomcat.)
 */
class ConnectorProtocol implements ProtocolHandler {
    static final String ID = "mod_jvm";

    private volatile Adapter adapter;
    private volatile Executor executor;
    private volatile ScheduledExecutorService utilityExecutor;

    @Override
    public Adapter getAdapter() {
        return adapter;
    }

    @Override
    public void setAdapter(Adapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public Executor getExecutor() {
        return executor;
    }

    @Override
    public void setExecutor(Executor executor) {
        this.executor = executor;
    }

    @Override
    public ScheduledExecutorService getUtilityExecutor() {
        return utilityExecutor;
    }

    @Override
    public void setUtilityExecutor(ScheduledExecutorService utilityExecutor) {
        this.utilityExecutor = utilityExecutor;
    }

    @Override
    public void init() {
    }

    @Override
    public void start() {
    }

    @Override
    public void pause() {
    }

    @Override
    public void resume() {
    }

    @Override
    public void stop() {
    }

    @Override
    public void destroy() {
    }

    @Override
    public void closeServerSocketGraceful() {
    }

    @Override
    public long awaitConnectionsClose(long waitMillis) {
        return waitMillis; // Apache owns the connections
    }

    @Override
    public boolean isSendfileSupported() {
        return false;
    }

    @Override
    public void addSslHostConfig(SSLHostConfig sslHostConfig) {
        throw new UnsupportedOperationException("TLS is Apache's (mod_ssl): mod_jvm's connector has no certificates");
    }

    @Override
    public void addSslHostConfig(SSLHostConfig sslHostConfig, boolean replace) {
        addSslHostConfig(sslHostConfig);
    }

    @Override
    public SSLHostConfig[] findSslHostConfigs() {
        return new SSLHostConfig[0];
    }

    @Override
    public void addUpgradeProtocol(UpgradeProtocol upgradeProtocol) {
        throw new UnsupportedOperationException("protocol upgrades (h2c, WebSocket) are Apache's");
    }

    @Override
    public UpgradeProtocol[] findUpgradeProtocols() {
        return new UpgradeProtocol[0];
    }

    /**
     * No port: Tomcat's {@code Connector.getLocalPort()} reads this property (by reflection) and
     * fails without it; Spring Boot asks for it to log where its server listens.
     */
    public int getLocalPort() {
        return -1;
    }

    /** A Connector without a port needs an id to start. */
    @Override
    public String getId() {
        return ID;
    }
}
