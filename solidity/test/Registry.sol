// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A role-guarded setter, for the prover's batch tests of a real
/// contract: accounts hold roles in a mapping of mappings, the admin
/// grants the setter role, and only a setter may set the value.
contract Registry {
    /// The roles.
    bytes32 public constant ADMIN = keccak256("ADMIN");
    bytes32 public constant SETTER = keccak256("SETTER");

    mapping(bytes32 => mapping(address => bool)) private _roles;
    /// The value setters set.
    uint256 public value;

    /// A role was granted.
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed by);
    /// The value was set.
    event ValueSet(uint256 value, address indexed by);

    /// The caller lacks the role.
    error AccessDenied(address account, bytes32 role);

    modifier onlyRole(bytes32 role) {
        if (!_roles[role][msg.sender]) revert AccessDenied(msg.sender, role);
        _;
    }

    constructor(address admin) {
        _roles[ADMIN][admin] = true;
    }

    /// Grants role to account (admins only).
    function grantRole(bytes32 role, address account) external onlyRole(ADMIN) {
        _roles[role][account] = true;
        emit RoleGranted(role, account, msg.sender);
    }

    /// Sets the value (setters only).
    function set(uint256 v) external onlyRole(SETTER) {
        value = v;
        emit ValueSet(v, msg.sender);
    }

    /// Whether account has role.
    function hasRole(bytes32 role, address account) external view returns (bool) {
        return _roles[role][account];
    }
}
