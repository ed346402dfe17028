"""Read the configuration: YAML with positions, and the typed model built from it."""

from deployer.config.model import (
    AwsAccess,
    AzureAccess,
    Chart,
    Cluster,
    Config,
    GcpAccess,
    Hub,
    KubeconfigAccess,
    Provider,
    ProviderAccess,
    Stage,
    Support,
)

__all__ = [
    "AwsAccess",
    "AzureAccess",
    "Chart",
    "Cluster",
    "Config",
    "GcpAccess",
    "Hub",
    "KubeconfigAccess",
    "Provider",
    "ProviderAccess",
    "Stage",
    "Support",
]
