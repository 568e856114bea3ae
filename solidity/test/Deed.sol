// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// ERC721's receiver interface.
interface IDeedReceiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

/// A minimal ERC721 (no metadata, no operators), for the prover's batch
/// tests of a real contract: the minter mints, an owner approves one
/// account per token, and the owner or the approved account moves a
/// token with transferFrom, or with safeTransferFrom, which asks a
/// recipient that has code whether it accepts the token.
contract Deed {
    /// The account allowed to mint.
    address public immutable minter;
    mapping(uint256 => address) private _owners;
    mapping(uint256 => address) private _approved;
    mapping(address => uint256) private _balances;

    /// ERC721's events.
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);

    /// The caller may not do this to the token.
    error NotAllowed(address caller, uint256 tokenId);
    /// The token exists already, or does not exist.
    error BadToken(uint256 tokenId);
    /// The recipient is the zero address.
    error ZeroRecipient();

    constructor(address minter_) {
        minter = minter_;
    }

    /// Mints tokenId to to (the minter only).
    function mint(address to, uint256 tokenId) external {
        if (msg.sender != minter) revert NotAllowed(msg.sender, tokenId);
        if (to == address(0)) revert ZeroRecipient();
        if (_owners[tokenId] != address(0)) revert BadToken(tokenId);
        _owners[tokenId] = to;
        unchecked {
            _balances[to] += 1;
        }
        emit Transfer(address(0), to, tokenId);
    }

    /// Lets approved move tokenId (its owner only).
    function approve(address approved, uint256 tokenId) external {
        address owner = ownerOf(tokenId);
        if (msg.sender != owner) revert NotAllowed(msg.sender, tokenId);
        _approved[tokenId] = approved;
        emit Approval(owner, approved, tokenId);
    }

    /// Moves tokenId from from to to (its owner or its approved account).
    function transferFrom(address from, address to, uint256 tokenId) public {
        address owner = ownerOf(tokenId);
        if (owner != from) revert BadToken(tokenId);
        if (msg.sender != owner && msg.sender != _approved[tokenId]) revert NotAllowed(msg.sender, tokenId);
        if (to == address(0)) revert ZeroRecipient();
        delete _approved[tokenId];
        unchecked {
            _balances[from] -= 1;
            _balances[to] += 1;
        }
        _owners[tokenId] = to;
        emit Transfer(from, to, tokenId);
    }

    /// transferFrom, then, where to has code, its onERC721Received must
    /// accept the token.
    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        transferFrom(from, to, tokenId);
        if (to.code.length > 0) {
            bytes4 answer = IDeedReceiver(to).onERC721Received(msg.sender, from, tokenId, "");
            if (answer != IDeedReceiver.onERC721Received.selector) revert NotAllowed(to, tokenId);
        }
    }

    /// The owner of tokenId, which must exist.
    function ownerOf(uint256 tokenId) public view returns (address owner) {
        owner = _owners[tokenId];
        if (owner == address(0)) revert BadToken(tokenId);
    }

    /// How many tokens owner holds.
    function balanceOf(address owner) external view returns (uint256) {
        return _balances[owner];
    }
}

/// A contract that accepts deeds and keeps the last one it got.
contract DeedReceiver is IDeedReceiver {
    /// The last token received.
    uint256 public last;

    /// Accepts the token.
    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external returns (bytes4) {
        last = tokenId;
        return IDeedReceiver.onERC721Received.selector;
    }
}
