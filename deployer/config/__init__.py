"""Read the configuration: YAML with positions, and the typed model built from it."""

from deployer.config._yaml import JsonPath, Positions, YamlError, load_yaml, load_yaml_data
from deployer.config.load import load_config, read_config, read_config_fast
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
    "JsonPath",
    "KubeconfigAccess",
    "Positions",
    "Provider",
    "ProviderAccess",
    "Stage",
    "Support",
    "YamlError",
    "load_config",
    "load_yaml",
    "load_yaml_data",
    "read_config",
    "read_config_fast",
]
