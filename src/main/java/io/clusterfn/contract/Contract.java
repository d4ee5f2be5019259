package io.clusterfn.contract;

/** Code deployed to a cluster; every worker of the cluster runs it. Its states: */
public final class Contract {
    public static final String DEPLOYED = "DEPLOYED";
    public static final String UNDEPLOYED = "UNDEPLOYED";

    private Contract() {
    }
}
