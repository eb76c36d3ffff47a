// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/dialogs/passphrase_strength.h"

#include <cctype>

namespace cairn::desktop {

PassphraseStrength rate_passphrase(std::string_view utf8) {
    std::size_t characters = 0;
    bool lower = false, upper = false, digit = false, other = false;
    for (char byte : utf8) {
        const auto value = static_cast<unsigned char>(byte);
        if ((value & 0xC0) != 0x80)  // continuation bytes belong to the character before
            ++characters;
        if (value >= 0x80)
            other = true;
        else if (std::islower(value))
            lower = true;
        else if (std::isupper(value))
            upper = true;
        else if (std::isdigit(value))
            digit = true;
        else
            other = true;
    }
    if (characters < minimum_passphrase_length)
        return PassphraseStrength::TooShort;
    const int classes = int(lower) + int(upper) + int(digit) + int(other);
    // A long passphrase of plain words is strong; a short one needs variety.
    if (characters >= 20 || (characters >= 12 && classes >= 3))
        return PassphraseStrength::Strong;
    if (characters >= 12 || classes >= 3)
        return PassphraseStrength::Fair;
    return PassphraseStrength::Weak;
}

}  // namespace cairn::desktop
