// The scan structs generated for oxide/nexus.json's paginated operations.

/// The scan parameters of [`OxideRegionApi::probe_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct ProbeListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::affinity_group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AffinityGroupListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::affinity_group_member_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AffinityGroupMemberListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::alert_class_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AlertClassListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// An optional glob pattern for filtering alert class names.
    ///
    /// If provided, only alert classes which match this glob pattern will be included in the response.
    ///
    /// Query parameter `filter`.
    pub filter: Option<types::AlertSubscription>,
}

/// The scan parameters of [`OxideRegionApi::alert_receiver_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AlertReceiverListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::alert_delivery_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AlertDeliveryListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// If true, include deliveries which have succeeded.
    ///
    /// If any of the "pending", "failed", or "delivered" query parameters are set to true, only deliveries matching those state(s) will be included in the response. If NO state filter parameters are set, then all deliveries are included.
    ///
    /// Query parameter `delivered`.
    pub delivered: Option<bool>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// If true, include deliveries which have failed permanently.
    ///
    /// If any of the "pending", "failed", or "delivered" query parameters are set to true, only deliveries matching those state(s) will be included in the response. If NO state filter parameters are set, then all deliveries are included.
    ///
    /// A delivery fails permanently when the retry limit of three total attempts is reached without a successful delivery.
    ///
    /// Query parameter `failed`.
    pub failed: Option<bool>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// If true, include deliveries which are currently in progress.
    ///
    /// If any of the "pending", "failed", or "delivered" query parameters are set to true, only deliveries matching those state(s) will be included in the response. If NO state filter parameters are set, then all deliveries are included.
    ///
    /// A delivery is considered "pending" if it has not yet been sent at all, or if a delivery attempt has failed but the delivery has retries remaining.
    ///
    /// Query parameter `pending`.
    pub pending: Option<bool>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::TimeAndIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::alert_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AlertListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Optional alert class or glob pattern used to filter alerts.
    ///
    /// If this is included, only alerts with the specified class or matching the glob pattern (as appropriate) will be returned. Otherwise, alerts of all classes will be returned.
    ///
    /// See the guide-level documentation on alerts for details on alert classes and alert class glob patterns.
    ///
    /// Query parameter `alert_class`.
    pub alert_class: Option<types::AlertSubscription>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Inclusive upper bound on the alert creation time
    ///
    /// If this is included, only alerts created at or before this time will be returned.
    ///
    /// Query parameter `end_time`.
    pub end_time: Option<::chrono::DateTime<::chrono::offset::Utc>>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::TimeAndIdSortMode>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Inclusive lower bound on the alert creation time.
    ///
    /// If this is included, only alerts created at or after this time will be returned.
    ///
    /// Query parameter `start_time`.
    pub start_time: Option<::chrono::DateTime<::chrono::offset::Utc>>,
}

/// The scan parameters of [`OxideRegionApi::anti_affinity_group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AntiAffinityGroupListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::anti_affinity_group_member_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AntiAffinityGroupMemberListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::certificate_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct CertificateListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::disk_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct DiskListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::external_subnet_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct ExternalSubnetListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::floating_ip_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct FloatingIpListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct GroupListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::image_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct ImageListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_affinity_group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceAffinityGroupListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_anti_affinity_group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceAntiAffinityGroupListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_disk_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceDiskListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_multicast_group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceMulticastGroupListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_ssh_public_key_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceSshPublicKeyListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::internet_gateway_ip_address_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InternetGatewayIpAddressListScan {
    /// Name or ID of the internet gateway
    ///
    /// Query parameter `gateway`.
    pub gateway: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the VPC, only required if `gateway` is provided as a `Name`
    ///
    /// Query parameter `vpc`.
    pub vpc: Option<types::NameOrId>,
}

/// The scan parameters of [`OxideRegionApi::internet_gateway_ip_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InternetGatewayIpPoolListScan {
    /// Name or ID of the internet gateway
    ///
    /// Query parameter `gateway`.
    pub gateway: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the VPC, only required if `gateway` is provided as a `Name`
    ///
    /// Query parameter `vpc`.
    pub vpc: Option<types::NameOrId>,
}

/// The scan parameters of [`OxideRegionApi::internet_gateway_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InternetGatewayListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    /// Name or ID of the VPC
    ///
    /// Query parameter `vpc`.
    pub vpc: types::NameOrId,
}

/// The scan parameters of [`OxideRegionApi::ip_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct IpPoolListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `ip_version`.
    pub ip_version: Option<types::IpVersion>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `pool_type`.
    pub pool_type: Option<types::IpPoolType>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::current_user_access_token_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct CurrentUserAccessTokenListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::current_user_groups`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct CurrentUserGroupsScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::current_user_ssh_key_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct CurrentUserSshKeyListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_metric`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloMetricScan {
    /// An exclusive end time of metrics.
    ///
    /// Query parameter `end_time`.
    pub end_time: ::chrono::DateTime<::chrono::offset::Utc>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query result order
    ///
    /// Query parameter `order`.
    pub order: Option<types::PaginationOrder>,
    /// An inclusive start time of metrics.
    ///
    /// Query parameter `start_time`.
    pub start_time: ::chrono::DateTime<::chrono::offset::Utc>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
}

/// The scan parameters of [`OxideRegionApi::multicast_group_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct MulticastGroupListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::multicast_group_member_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct MulticastGroupMemberListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::instance_network_interface_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct InstanceNetworkInterfaceListScan {
    /// Name or ID of the instance
    ///
    /// Query parameter `instance`.
    pub instance: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `instance` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::project_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct ProjectListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::snapshot_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SnapshotListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::subnet_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SubnetPoolListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::audit_log_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct AuditLogListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Exclusive
    ///
    /// Query parameter `end_time`.
    pub end_time: Option<::chrono::DateTime<::chrono::offset::Utc>>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::TimeAndIdSortMode>,
    /// Required, inclusive
    ///
    /// Query parameter `start_time`.
    pub start_time: ::chrono::DateTime<::chrono::offset::Utc>,
}

/// The scan parameters of [`OxideRegionApi::physical_disk_list_adoption_requests`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct PhysicalDiskListAdoptionRequestsScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::physical_disk_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct PhysicalDiskListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::physical_disk_list_unadopted`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct PhysicalDiskListUnadoptedScan {}
::specfirst_runtime::deserialize_struct!(PhysicalDiskListUnadoptedScan {});

#[allow(dead_code)]
impl<M: ::serde::Serialize> PhysicalDiskListUnadoptedRequest<M> {
    /// A page of `items`: when the page is full, its `next_page` token resumes the
    /// scan after the marker `marker` makes of the last item.
    pub fn results_page<T>(
        &self,
        items: ::std::vec::Vec<T>,
        marker: impl ::core::ops::FnOnce(&T) -> M,
    ) -> ::specfirst_runtime::ResultsPage<T> {
        ::specfirst_runtime::ResultsPage::new(
            items,
            self.limit,
            "physical_disk_list_unadopted",
            self.page.scan(),
            marker,
        )
    }
}

/// The scan parameters of [`OxideRegionApi::networking_switch_port_lldp_neighbors`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingSwitchPortLldpNeighborsScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::rack_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct RackListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::sled_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SledListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::sled_physical_disk_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SledPhysicalDiskListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::sled_instance_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SledInstanceListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::sled_list_uninitialized`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SledListUninitializedScan {}
::specfirst_runtime::deserialize_struct!(SledListUninitializedScan {});

#[allow(dead_code)]
impl<M: ::serde::Serialize> SledListUninitializedRequest<M> {
    /// A page of `items`: when the page is full, its `next_page` token resumes the
    /// scan after the marker `marker` makes of the last item.
    pub fn results_page<T>(
        &self,
        items: ::std::vec::Vec<T>,
        marker: impl ::core::ops::FnOnce(&T) -> M,
    ) -> ::specfirst_runtime::ResultsPage<T> {
        ::specfirst_runtime::ResultsPage::new(
            items,
            self.limit,
            "sled_list_uninitialized",
            self.page.scan(),
            marker,
        )
    }
}

/// The scan parameters of [`OxideRegionApi::networking_switch_port_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingSwitchPortListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// An optional switch port id to use when listing switch ports.
    ///
    /// Query parameter `switch_port_id`.
    pub switch_port_id: Option<::uuid::Uuid>,
}

/// The scan parameters of [`OxideRegionApi::switch_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SwitchListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_identity_provider_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloIdentityProviderListScan {
    /// Name or ID of the silo
    ///
    /// Query parameter `silo`.
    pub silo: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_ip_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemIpPoolListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `assignment`.
    pub assignment: Option<types::IpPoolAssignment>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `ip_version`.
    pub ip_version: Option<types::IpVersion>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `pool_type`.
    pub pool_type: Option<types::IpPoolType>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_ip_pool_range_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemIpPoolRangeListScan {}
::specfirst_runtime::deserialize_struct!(SystemIpPoolRangeListScan {});

#[allow(dead_code)]
impl<M: ::serde::Serialize> SystemIpPoolRangeListRequest<M> {
    /// A page of `items`: when the page is full, its `next_page` token resumes the
    /// scan after the marker `marker` makes of the last item.
    pub fn results_page<T>(
        &self,
        items: ::std::vec::Vec<T>,
        marker: impl ::core::ops::FnOnce(&T) -> M,
    ) -> ::specfirst_runtime::ResultsPage<T> {
        ::specfirst_runtime::ResultsPage::new(
            items,
            self.limit,
            "system_ip_pool_range_list",
            self.page.scan(),
            marker,
        )
    }
}

/// The scan parameters of [`OxideRegionApi::system_ip_pool_silo_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemIpPoolSiloListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_metric`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemMetricScan {
    /// An exclusive end time of metrics.
    ///
    /// Query parameter `end_time`.
    pub end_time: ::chrono::DateTime<::chrono::offset::Utc>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query result order
    ///
    /// Query parameter `order`.
    pub order: Option<types::PaginationOrder>,
    /// An inclusive start time of metrics.
    ///
    /// Query parameter `start_time`.
    pub start_time: ::chrono::DateTime<::chrono::offset::Utc>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the silo
    ///
    /// Query parameter `silo`.
    pub silo: Option<types::NameOrId>,
}

/// The scan parameters of [`OxideRegionApi::networking_address_lot_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingAddressLotListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::networking_address_lot_block_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingAddressLotBlockListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::networking_bgp_config_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingBgpConfigListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::networking_bgp_announce_set_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingBgpAnnounceSetListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::networking_loopback_address_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingLoopbackAddressListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::networking_switch_port_settings_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct NetworkingSwitchPortSettingsListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// An optional name or id to use when selecting port settings.
    ///
    /// Query parameter `port_settings`.
    pub port_settings: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_quotas_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemQuotasListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_ip_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloIpPoolListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_subnet_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloSubnetPoolListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_subnet_pool_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemSubnetPoolListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_subnet_pool_member_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemSubnetPoolMemberListScan {}
::specfirst_runtime::deserialize_struct!(SystemSubnetPoolMemberListScan {});

#[allow(dead_code)]
impl<M: ::serde::Serialize> SystemSubnetPoolMemberListRequest<M> {
    /// A page of `items`: when the page is full, its `next_page` token resumes the
    /// scan after the marker `marker` makes of the last item.
    pub fn results_page<T>(
        &self,
        items: ::std::vec::Vec<T>,
        marker: impl ::core::ops::FnOnce(&T) -> M,
    ) -> ::specfirst_runtime::ResultsPage<T> {
        ::specfirst_runtime::ResultsPage::new(
            items,
            self.limit,
            "system_subnet_pool_member_list",
            self.page.scan(),
            marker,
        )
    }
}

/// The scan parameters of [`OxideRegionApi::system_subnet_pool_silo_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemSubnetPoolSiloListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::support_bundle_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SupportBundleListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::TimeAndIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_timeseries_schema_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemTimeseriesSchemaListScan {}
::specfirst_runtime::deserialize_struct!(SystemTimeseriesSchemaListScan {});

#[allow(dead_code)]
impl<M: ::serde::Serialize> SystemTimeseriesSchemaListRequest<M> {
    /// A page of `items`: when the page is full, its `next_page` token resumes the
    /// scan after the marker `marker` makes of the last item.
    pub fn results_page<T>(
        &self,
        items: ::std::vec::Vec<T>,
        marker: impl ::core::ops::FnOnce(&T) -> M,
    ) -> ::specfirst_runtime::ResultsPage<T> {
        ::specfirst_runtime::ResultsPage::new(
            items,
            self.limit,
            "system_timeseries_schema_list",
            self.page.scan(),
            marker,
        )
    }
}

/// The scan parameters of [`OxideRegionApi::system_update_repository_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemUpdateRepositoryListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::VersionSortMode>,
}

/// The scan parameters of [`OxideRegionApi::system_update_trust_root_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SystemUpdateTrustRootListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_user_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloUserListScan {
    /// Name or ID of the silo
    ///
    /// Query parameter `silo`.
    pub silo: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::user_builtin_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct UserBuiltinListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameSortMode>,
}

/// The scan parameters of [`OxideRegionApi::silo_utilization_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct SiloUtilizationListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::user_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct UserListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `group`.
    pub group: Option<::uuid::Uuid>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::user_token_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct UserTokenListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::user_session_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct UserSessionListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::IdSortMode>,
}

/// The scan parameters of [`OxideRegionApi::vpc_router_route_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct VpcRouterRouteListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    /// Name or ID of the router
    ///
    /// Query parameter `router`.
    pub router: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the VPC, only required if `router` is provided as a `Name`
    ///
    /// Query parameter `vpc`.
    pub vpc: Option<types::NameOrId>,
}

/// The scan parameters of [`OxideRegionApi::vpc_router_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct VpcRouterListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    /// Name or ID of the VPC
    ///
    /// Query parameter `vpc`.
    pub vpc: types::NameOrId,
}

/// The scan parameters of [`OxideRegionApi::vpc_subnet_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct VpcSubnetListScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    /// Name or ID of the VPC
    ///
    /// Query parameter `vpc`.
    pub vpc: types::NameOrId,
}

/// The scan parameters of [`OxideRegionApi::vpc_subnet_list_network_interfaces`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct VpcSubnetListNetworkInterfacesScan {
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the project, only required if `vpc` is provided as a `Name`
    ///
    /// Query parameter `project`.
    pub project: Option<types::NameOrId>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Name or ID of the VPC
    ///
    /// Query parameter `vpc`.
    pub vpc: Option<types::NameOrId>,
}

/// The scan parameters of [`OxideRegionApi::vpc_list`]: given on the first page, then carried by the page token so every page of a scan sees the same ones.
#[allow(dead_code)]
#[derive(Debug, Clone, ::serde::Serialize)]
pub struct VpcListScan {
    /// Name or ID of the project
    ///
    /// Query parameter `project`.
    pub project: types::NameOrId,
    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
    /// Query parameter `sort_by`.
    pub sort_by: Option<types::NameOrIdSortMode>,
}
